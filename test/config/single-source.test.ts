/**
 * Issue 15 item 5: the environment schema (`src/config/env.ts`) is the one source of the service's
 * variables and their defaults; `.env.example` and the README's configuration table must list
 * exactly its variables, with the same defaults.
 *
 * How a default is read from each document:
 * - schema: what it yields for an unset variable (`environmentVariables()`); none when optional,
 *   when required, or when the default is empty;
 * - `.env.example`: a `Default <value>` phrase in the comment lines right above the variable (so a
 *   line may set a recommended value, e.g. `NODE_ENV=production`, and still state the default);
 *   otherwise the value of an uncommented `NAME=value` line. A commented-out `# NAME=value` is an
 *   example and states no default; `Default: …` (with a colon) is prose and states none either.
 *   A required variable's value is a placeholder and is not compared;
 * - README: the `default` cell when it is only code spans (`` `3000`, `0.0.0.0` `` for a row naming
 *   two variables); `— (required)` marks a required variable; any other text (`unset`, "on when …")
 *   states no default.
 * Empty, `—` and `unset` all mean "no default".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { environmentVariables, type EnvironmentVariableSpec } from '../../src/config/env';

const ROOT = path.resolve(__dirname, '..', '..');

/** Variables `.env.example` lists that the service does not read, and the file that does read them. */
const READ_ELSEWHERE: Record<string, string> = { REDIS_PASSWORD: 'docker-compose.yml' };

/** What one document says about one variable. */
interface Documented {
  /** The documented default, normalised; `undefined` = none. */
  defaultValue: string | undefined;
  /** `true` when the document marks the variable required; `undefined` when it cannot say. */
  required: boolean | undefined;
  /** Whether the default was compared (a required variable's placeholder value is not). */
  comparable: boolean;
}

/** One document's variables, and the variables it lists more than once. */
interface DocumentVariables {
  variables: Map<string, Documented>;
  duplicates: string[];
}

/** Empty, `—` and `unset` mean "no default". */
function normaliseDefault(value: string | undefined): string | undefined {
  const text = value?.trim() ?? '';
  return text === '' || text === '—' || text.toLowerCase() === 'unset' ? undefined : text;
}

/** The variables of `.env.example` (see the header for how defaults are read). */
function parseEnvExample(text: string, requiredNames: ReadonlySet<string>): DocumentVariables {
  const variables = new Map<string, Documented>();
  const duplicates: string[] = [];
  let comments: string[] = [];
  for (const line of text.split('\n')) {
    const variable = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!variable) {
      comments = line.trim().startsWith('#') ? [...comments, line.trim()] : [];
      continue;
    }
    const [, commentedOut, name = '', value = ''] = variable;
    const phrase = /\bDefault (\S+?)[.,;)]?(?=\s|$)/.exec(comments.join(' '))?.[1];
    comments = [];
    if (variables.has(name)) duplicates.push(name);
    const required = requiredNames.has(name);
    variables.set(name, {
      defaultValue: normaliseDefault(phrase ?? (commentedOut ? undefined : value)),
      required: undefined,
      comparable: !required || phrase !== undefined,
    });
  }
  return { variables, duplicates };
}

/** The rows of the first table under the README's `## Configuration` heading. */
function parseReadmeTable(readme: string): DocumentVariables {
  const section = readme.split(/^## Configuration\s*$/m)[1]?.split(/^##+ /m)[0] ?? '';
  const rows = section
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    )
    .filter(([first]) => first !== undefined && first.startsWith('`'));
  const variables = new Map<string, Documented>();
  const duplicates: string[] = [];
  for (const [names = '', cell = ''] of rows) {
    const listed = [...names.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1] ?? '');
    const literals = /^`[^`]*`(\s*,\s*`[^`]*`)*$/.test(cell)
      ? [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1] ?? '')
      : undefined;
    listed.forEach((name, index) => {
      if (variables.has(name)) duplicates.push(name);
      const literal =
        literals === undefined
          ? undefined
          : literals.length === listed.length
            ? literals[index]
            : `${cell} (${literals.length} values for ${listed.length} variables)`;
      variables.set(name, {
        defaultValue: normaliseDefault(literal),
        required: /^—\s*\(required\)/.test(cell),
        comparable: true,
      });
    });
  }
  return { variables, duplicates };
}

/** Every disagreement between the schema and one document, one line each, naming the variable. */
function disagreements(
  schema: readonly EnvironmentVariableSpec[],
  document: DocumentVariables,
  where: string,
  readElsewhere: Readonly<Record<string, string>> = {},
): string[] {
  const problems: string[] = [];
  const known = new Set<string>(schema.map((spec) => spec.name));
  for (const spec of schema) {
    const documented = document.variables.get(spec.name);
    if (!documented) {
      problems.push(`${spec.name} is in the schema (src/config/env.ts) but missing from ${where}`);
      continue;
    }
    if (documented.required !== undefined && documented.required !== spec.required)
      problems.push(
        spec.required
          ? `${spec.name} is required by the schema but ${where} does not say "— (required)"`
          : `${spec.name} is marked required in ${where} but the schema does not require it`,
      );
    if (documented.comparable && documented.defaultValue !== spec.defaultValue)
      problems.push(
        `${spec.name}: ${where} gives the default ${show(documented.defaultValue)}, the schema ${show(spec.defaultValue)}`,
      );
  }
  for (const name of document.variables.keys())
    if (!known.has(name) && !(name in readElsewhere))
      problems.push(`${name} is in ${where} but not in the schema (src/config/env.ts)`);
  for (const name of document.duplicates) problems.push(`${name} is listed twice in ${where}`);
  return problems;
}

function show(value: string | undefined): string {
  return value === undefined ? 'none' : `"${value}"`;
}

const schema = environmentVariables();
const requiredNames = new Set<string>(
  schema.filter((spec) => spec.required).map((spec) => spec.name),
);
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('one source for the configuration: the environment schema', () => {
  test('the schema lists its variables with their defaults', () => {
    const byName = new Map(schema.map((spec) => [spec.name, spec]));
    expect(byName.get('PORT')).toEqual({ name: 'PORT', required: false, defaultValue: '3000' });
    expect(byName.get('PUBLIC_URL')).toMatchObject({ required: true, defaultValue: undefined });
    expect(byName.get('ID_TOKEN_ALGORITHMS')?.defaultValue).toBe('RS256');
    expect(byName.get('TRUST_PROXY')?.defaultValue).toBe('false');
    expect(byName.get('REDIS_URL')).toMatchObject({ required: false, defaultValue: undefined });
  });

  test('.env.example lists exactly the schema variables, with the same defaults', () => {
    const problems = disagreements(
      schema,
      parseEnvExample(read('.env.example'), requiredNames),
      '.env.example',
      READ_ELSEWHERE,
    );
    expect(problems).toEqual([]);
  });

  test("the README's configuration table lists exactly the schema variables, with the same defaults", () => {
    expect(disagreements(schema, parseReadmeTable(read('README.md')), 'the README table')).toEqual(
      [],
    );
  });

  test.each(Object.entries(READ_ELSEWHERE))(
    '%s, in .env.example but not in the schema, is read by %s',
    (name, file) => {
      expect(read(file)).toContain(name);
    },
  );

  test('a variable missing, unknown, listed twice or with another default is reported by name and place', () => {
    const env = [
      '# Port. Default 3001.',
      'PORT=3000',
      'HOST=0.0.0.0',
      'HOST=0.0.0.0',
      'NOT_A_SETTING=1',
      '# Shown as an example only, so no default.',
      '# LOG_LEVEL=debug',
    ].join('\n');
    const specs: EnvironmentVariableSpec[] = [
      { name: 'PORT', required: false, defaultValue: '3000' },
      { name: 'HOST', required: false, defaultValue: '0.0.0.0' },
      { name: 'LOG_LEVEL', required: false, defaultValue: 'info' },
      { name: 'PUBLIC_URL', required: true, defaultValue: undefined },
    ];
    expect(disagreements(specs, parseEnvExample(env, new Set(['PUBLIC_URL'])), 'X')).toEqual([
      'PORT: X gives the default "3001", the schema "3000"',
      'LOG_LEVEL: X gives the default none, the schema "info"',
      'PUBLIC_URL is in the schema (src/config/env.ts) but missing from X',
      'NOT_A_SETTING is in X but not in the schema (src/config/env.ts)',
      'HOST is listed twice in X',
    ]);
    const readme = [
      '## Configuration',
      '',
      '| variable | default | meaning |',
      '| --- | --- | --- |',
      '| `PORT`, `HOST` | `3000`, `127.0.0.1` | where |',
      '| `LOG_LEVEL` | unset | pino |',
      '| `PUBLIC_URL` | `https://x` | origin |',
      '',
      '## Next',
      '| `IGNORED` | `1` | not in the section |',
    ].join('\n');
    expect(disagreements(specs, parseReadmeTable(readme), 'Y')).toEqual([
      'HOST: Y gives the default "127.0.0.1", the schema "0.0.0.0"',
      'LOG_LEVEL: Y gives the default none, the schema "info"',
      'PUBLIC_URL is required by the schema but Y does not say "— (required)"',
      'PUBLIC_URL: Y gives the default "https://x", the schema none',
    ]);
  });
});
