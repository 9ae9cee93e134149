/** The Go text/template subset of ci-provider templates, with missingkey=error. */
import t from 'tap';
import { compileTemplate } from '../../../src/identity/template.js';

const data = new Map(Object.entries({ url: 'https://github.com', repository: 'octo/repo', ref_type: 'branch', ref: 'main', empty: '', 'a.b/c': 'dotted', amp: "a&b'c+<d>" }));
const run = (source: string, d: ReadonlyMap<string, string> = data): string => compileTemplate(source).execute(d);

t.test('fields, text and literals render as Go renders them, unescaped', async (t) => {
  t.equal(run('{{ .url }}/{{ .repository }}'), 'https://github.com/octo/repo');
  t.equal(run('{{.url}}/{{.repository}}'), 'https://github.com/octo/repo');
  t.equal(run('{{ .amp }}'), "a&b'c+<d>", 'text/template does not escape (upstream #2023)');
  t.equal(run('x{{ "lit\\t\\u00e9\\x41" }}{{ `raw\\n` }}y'), 'xlit\téAraw\\ny');
  t.equal(run('{{ true }} {{ false }}'), 'true false');
  t.equal(run('{{/* a comment */}}a {{- " b " -}} c'), 'a b c', 'comments and trim markers');
  t.equal(run('{{- /* trimmed comment */ -}}  x'), 'x');
});

t.test('a template without {{ copies the named claim', async (t) => {
  t.equal(run('repository'), 'octo/repo');
  t.equal(run('empty'), '');
  t.throws(() => run('missing_claim'), { name: 'TemplateExecutionError' });
});

t.test('a missing key is an error for .field but zero for index', async (t) => {
  t.throws(() => run('{{ .nope }}'), { message: 'map has no entry for key "nope"' });
  t.equal(run('[{{ index . "nope" }}]'), '[]');
  t.equal(run('{{ index . "a.b/c" }}|{{ (index . "a.b/c") }}'), 'dotted|dotted');
  t.throws(() => run('{{ .url.host }}'), { name: 'TemplateExecutionError' });
  t.throws(() => run('{{ index .url "x" }}'), { name: 'TemplateExecutionError' });
});

t.test('if, else if, else and the comparison functions follow Go', async (t) => {
  const ref = 'refs/{{if eq .ref_type "branch"}}heads/{{ else }}tags/{{end}}{{ .ref }}';
  t.equal(run(ref), 'refs/heads/main');
  t.equal(run(ref, new Map([...data, ['ref_type', 'tag']])), 'refs/tags/main');
  t.equal(run('{{if eq (index . "ssh") "true"}}ssh-rerun{{ else }}""{{end}}'), '""');
  const chain = '{{ if eq .ref_type "tag" }}T{{ else if eq .ref_type "branch" }}B{{ else }}O{{ end }}!';
  t.equal(run(chain), 'B!');
  t.equal(run(chain, new Map([...data, ['ref_type', 'x']])), 'O!');
  t.equal(run('{{ if .empty }}yes{{ else }}no{{ end }}'), 'no');
  t.equal(run('{{ eq .ref "x" "main" }} {{ ne .ref "main" }} {{ not .empty }}'), 'true false true');
  t.equal(run('{{ and .url .empty .nope }}|{{ or .empty .ref .nope }}'), '|main', 'and/or stop early, like Go');
  t.throws(() => run('{{ eq .ref true }}'), { message: 'incompatible types for comparison' });
  t.equal(run('{{ if . }}{{ . }}{{ end }}', new Map([['b', '2'], ['a', '1']])), 'map[a:1 b:2]');
});

t.test('constructs outside the subset are refused when compiling', async (t) => {
  for (const source of [
    '{{ range .x }}{{ end }}',
    '{{ with .x }}{{ end }}',
    '{{ $x := .a }}',
    '{{ .a | printf "%s" }}',
    '{{ printf "%s" .a }}',
    '{{ len .a }}',
    '{{ eq .a 1 }}',
    '{{ template "x" }}',
    '{{ .a ',
    '{{ if .a }}x',
    '{{ end }}',
    '{{ else }}',
    '{{ if .a }}{{ else }}{{ else }}{{ end }}',
    '{{ }}',
    '{{ ne .a }}',
    '{{ .a .b }}',
    '{{ "unterminated }}',
    '{{ "\\q" }}',
    '{{ (index . "a" }}',
    '{{/* unclosed }}',
  ]) {
    t.throws(() => compileTemplate(source), Error, source);
  }
});
