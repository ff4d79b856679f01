// Builds one publishable library into dist/libs/<name>:
//   esm/index.js  + esm/**/*.d.ts   (package "type": "module")
//   cjs/index.js  + cjs/**/*.d.ts   (cjs/package.json says "type": "commonjs")
// and a package.json whose `exports` serve both `import` and `require` with matching types,
// so publint and @arethetypeswrong/cli accept it. Usage: node tools/build/build-lib.mjs libs/<name>
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const projectDir = process.argv[2];
if (!projectDir) {
  console.error('usage: node tools/build/build-lib.mjs libs/<name>');
  process.exit(2);
}
const libRoot = resolve(root, projectDir);
const name = projectDir.split('/').pop();
const outDir = join(root, 'dist/libs', name);
const libPkg = JSON.parse(readFileSync(join(libRoot, 'package.json'), 'utf8'));
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const platform = libPkg.meshcache?.platform === 'node' ? 'node' : 'neutral';

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const external = [...Object.keys(libPkg.dependencies ?? {}), ...Object.keys(libPkg.peerDependencies ?? {})];
const common = {
  entryPoints: [join(libRoot, 'src/index.ts')],
  bundle: true,
  platform,
  target: 'es2022',
  external,
  sourcemap: true,
  logLevel: 'warning',
  tsconfig: join(root, 'tsconfig.base.json'),
  mainFields: ['module', 'main'],
};
await build({ ...common, format: 'esm', outfile: join(outDir, 'esm/index.js') });
await build({ ...common, format: 'cjs', outfile: join(outDir, 'cjs/index.js') });
// Further entry points ("meshcache": { "entries": { "./subpath": "src/file.ts" } }), each
// bundled on its own and exported under its subpath.
const entries = Object.entries(libPkg.meshcache?.entries ?? {}).map(([subpath, source]) => ({
  subpath,
  base: source.replace(/^src\//, '').replace(/\.ts$/, ''),
  source,
}));
for (const { base, source } of entries) {
  const entry = { ...common, entryPoints: [join(libRoot, source)] };
  await build({ ...entry, format: 'esm', outfile: join(outDir, `esm/${base}.js`) });
  await build({ ...entry, format: 'cjs', outfile: join(outDir, `cjs/${base}.js`) });
}

// Declarations: point workspace dependencies, direct and transitive (a dependency's built
// declarations may re-export another library's types), at their built declarations so tsc
// emits only this library's files.
const paths = {};
const mapWorkspaceDeps = (pkg) => {
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (!dep.startsWith('@meshcache/') || paths[dep]) continue;
    const depName = dep.split('/')[1];
    paths[dep] = [relative(libRoot, join(root, 'dist/libs', depName, 'esm/index.d.ts'))];
    mapWorkspaceDeps(JSON.parse(readFileSync(join(root, 'libs', depName, 'package.json'), 'utf8')));
  }
};
mapWorkspaceDeps(libPkg);
const tmpTsconfig = join(libRoot, 'tsconfig.decl.tmp.json');
writeFileSync(
  tmpTsconfig,
  JSON.stringify({
    extends: './tsconfig.lib.json',
    compilerOptions: {
      declaration: true,
      emitDeclarationOnly: true,
      noEmit: false,
      sourceMap: false,
      declarationMap: false,
      rootDir: './src',
      outDir: relative(libRoot, join(outDir, 'esm')),
      paths,
    },
    include: ['src/**/*.ts'],
    exclude: ['src/**/*.spec.ts', 'src/**/test/**'],
  }),
);
try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tmpTsconfig], { stdio: 'inherit' });
} finally {
  rmSync(tmpTsconfig, { force: true });
}
const copyDeclarations = (from, to) => {
  for (const entry of readdirSync(from)) {
    const src = join(from, entry);
    if (statSync(src).isDirectory()) copyDeclarations(src, join(to, entry));
    else if (entry.endsWith('.d.ts')) {
      mkdirSync(to, { recursive: true });
      cpSync(src, join(to, entry));
    }
  }
};
copyDeclarations(join(outDir, 'esm'), join(outDir, 'cjs'));
writeFileSync(join(outDir, 'cjs/package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');

const versionOf = (dep) => {
  if (dep.startsWith('@meshcache/')) return `^${libPkg.version}`;
  return rootPkg.dependencies?.[dep] ?? rootPkg.devDependencies?.[dep] ?? libPkg.dependencies[dep];
};
const dependencies = Object.fromEntries(Object.keys(libPkg.dependencies ?? {}).map((d) => [d, versionOf(d)]));
const distPkg = {
  name: libPkg.name,
  version: libPkg.version,
  description: libPkg.description,
  license: libPkg.license ?? 'MIT',
  keywords: libPkg.keywords,
  type: 'module',
  main: './cjs/index.js',
  module: './esm/index.js',
  types: './esm/index.d.ts',
  exports: {
    '.': {
      import: { types: './esm/index.d.ts', default: './esm/index.js' },
      require: { types: './cjs/index.d.ts', default: './cjs/index.js' },
    },
    ...Object.fromEntries(
      entries.map(({ subpath, base }) => [
        subpath,
        {
          import: { types: `./esm/${base}.d.ts`, default: `./esm/${base}.js` },
          require: { types: `./cjs/${base}.d.ts`, default: `./cjs/${base}.js` },
        },
      ]),
    ),
    './package.json': './package.json',
  },
  files: ['esm', 'cjs', ...entries.map(({ subpath }) => subpath.slice(2)), 'README.md', 'CHANGELOG.md', 'LICENSE'],
  sideEffects: false,
  engines: libPkg.engines,
  dependencies: Object.keys(dependencies).length ? dependencies : undefined,
};
writeFileSync(join(outDir, 'package.json'), JSON.stringify(distPkg, null, 2) + '\n');
// Resolvers without `exports` (node10, older bundlers) find a subpath as a folder.
for (const { subpath, base } of entries) {
  const folder = join(outDir, subpath.slice(2));
  mkdirSync(folder, { recursive: true });
  const stub = { main: `../cjs/${base}.js`, module: `../esm/${base}.js`, types: `../cjs/${base}.d.ts` };
  writeFileSync(join(folder, 'package.json'), JSON.stringify(stub, null, 2) + '\n');
}
if (existsSync(join(libRoot, 'README.md'))) cpSync(join(libRoot, 'README.md'), join(outDir, 'README.md'));
// Every package is released in lockstep (one version): they share the root changelog and licence.
for (const file of ['CHANGELOG.md', 'LICENSE']) cpSync(join(root, file), join(outDir, file));
console.log(`built ${libPkg.name} -> ${relative(root, outDir)}`);
