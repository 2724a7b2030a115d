/**
 * Issue 15 item 6: the README's Layout section is a tree of the repository that stays true. It is
 * the code block under `### Layout`: one entry a line, `name/` for a folder, `name` for a file,
 * two spaces of indentation per level; description lines that continue an entry are indented past
 * the entries (12 spaces or more) and are not entries.
 *
 * Checked: every folder under `src/` (at any depth), every top-level folder of `test/`, `bench/`,
 * `deploy/`, `docs/`, `scripts/` and each `examples/*` folder is listed; every listed folder or
 * file exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Folders git ignores (see .gitignore): never in the tree. */
const IGNORED = new Set(['node_modules', 'dist', 'coverage', 'artifacts', '.cache', 'results']);

/** The entries of the Layout tree: folders (no trailing slash) and files, relative to the root. */
function parseLayout(readme: string): { folders: string[]; files: string[] } {
  const section = readme.split(/^### Layout\s*$/m)[1] ?? '';
  const block = /^```[^\n]*\n([\s\S]*?)^```/m.exec(section)?.[1] ?? '';
  const folders: string[] = [];
  const files: string[] = [];
  const parents: { indent: number; path: string }[] = [];
  for (const line of block.split('\n')) {
    const entry = /^( *)(\S+)(?: {2,}.*| ?)$/.exec(line);
    if (!entry || line.trim() === '') continue;
    const indent = entry[1]?.length ?? 0;
    const name = entry[2] ?? '';
    if (indent >= 12) continue; // the continuation of a description
    while (parents.length > 0 && parents[parents.length - 1]!.indent >= indent) parents.pop();
    const full = `${parents[parents.length - 1]?.path ?? ''}${name}`;
    if (name.endsWith('/')) {
      folders.push(full.slice(0, -1));
      parents.push({ indent, path: full });
    } else {
      files.push(full);
    }
  }
  return { folders, files };
}

/** Sub-folders of `dir` (relative to the root), recursively when `deep`, skipping ignored ones. */
function foldersUnder(dir: string, deep: boolean): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !IGNORED.has(entry.name))
    .flatMap((entry) => {
      const folder = `${dir}/${entry.name}`;
      return deep ? [folder, ...foldersUnder(folder, true)] : [folder];
    });
}

/** The folders the Layout section must list. */
function requiredFolders(): string[] {
  return [
    'src',
    ...foldersUnder('src', true),
    'test',
    ...foldersUnder('test', false),
    'examples',
    ...foldersUnder('examples', false),
    'bench',
    'deploy',
    'docs',
    'scripts',
  ].sort();
}

describe("the README's Layout section", () => {
  const layout = parseLayout(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

  test('lists every folder of src/ (at any depth), test/, examples/, bench/, deploy/, docs/ and scripts/', () => {
    const listed = new Set(layout.folders);
    const missing = requiredFolders().filter((folder) => !listed.has(folder));
    expect(missing).toEqual([]);
  });

  test('lists only folders and files that exist', () => {
    const absent = [...layout.folders.map((folder) => `${folder}/`), ...layout.files].filter(
      (entry) => !existsSync(path.join(ROOT, entry)),
    );
    expect(absent).toEqual([]);
  });

  test('reads the tree by indentation: a nested entry lives in the folder above it', () => {
    const sample = [
      '### Layout',
      '```',
      'src/',
      '  index.ts        the public face',
      '  emulator/       the emulator:',
      '                  index.ts (createEmulator)',
      '    model/        the world',
      '  dev/            demo',
      'docs/             VERCEL-SSO.md',
      '```',
    ].join('\n');
    expect(parseLayout(sample)).toEqual({
      folders: ['src', 'src/emulator', 'src/emulator/model', 'src/dev', 'docs'],
      files: ['src/index.ts'],
    });
  });
});
