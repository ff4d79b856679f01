import type { ThemeChoice } from './use-theme';

interface ThemeSelectProps {
  choice: ThemeChoice;
  onChange: (choice: ThemeChoice) => void;
}

export function ThemeSelect({ choice, onChange }: ThemeSelectProps) {
  return (
    <label className="theme-select">
      Theme{' '}
      <select value={choice} onChange={(event) => onChange(event.target.value as ThemeChoice)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
