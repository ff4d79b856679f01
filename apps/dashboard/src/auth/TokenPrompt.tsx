import { useEffect, useId, useRef, useState, type FormEvent } from 'react';

interface TokenPromptProps {
  /** the token that was refused, if one was sent */
  rejectedToken: string | undefined;
  onSubmit: (token: string) => void;
}

/** Shown when the node answers 401: asks for its AUTH_TOKEN (or a JWT) and says why. */
export function TokenPrompt({ rejectedToken, onSubmit }: TokenPromptProps) {
  const [value, setValue] = useState('');
  const inputId = useId();
  const messageId = useId();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim()) onSubmit(value.trim());
  };

  return (
    <form className="token-prompt" onSubmit={submit} aria-labelledby={messageId}>
      <p id={messageId} role="alert">
        {rejectedToken
          ? 'The node rejected this access token (401). Check the AUTH_TOKEN or JWT the node was started with and enter it again.'
          : 'This node requires an access token. Enter the AUTH_TOKEN (or a JWT signed with JWT_SECRET) it was started with.'}
      </p>
      <label htmlFor={inputId}>Access token</label>
      <input id={inputId} ref={input} type="password" autoComplete="current-password" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" className="primary">
        Connect
      </button>
    </form>
  );
}
