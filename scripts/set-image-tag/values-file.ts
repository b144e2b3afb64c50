/**
 * `image.tag` of a Helm values file, read and written as a line edit rather than a YAML round
 * trip: the values files are hand-written (comments, blank lines, flow lists) and `prettier
 * --check` guards them, so a release must change that one line and nothing else.
 */

/** Docker's tag grammar: what a registry accepts after `repository:`. */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

interface TagLine {
  index: number;
  indent: string;
  value: string;
  comment: string;
}

/** The `tag:` line directly under the top-level `image:` key, if the file has one. */
function findTagLine(lines: readonly string[]): TagLine | undefined {
  const start = lines.findIndex((line) => /^image:\s*(#.*)?$/.test(line));
  if (start < 0) return undefined;
  let childIndent: string | undefined;
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index];
    if (/^\s*(#.*)?$/.test(line)) continue;
    const indent = /^(\s*)/.exec(line)![1];
    if (indent === '') return undefined; // the next top-level key: the block had no tag
    childIndent ??= indent;
    if (indent !== childIndent) continue; // a nested map's keys
    const tag = /^\s+tag:\s*('[^']*'|"[^"]*"|[^\s#]*)(\s+#.*)?$/.exec(line);
    if (tag) return { index, indent, value: tag[1], comment: tag[2] ?? '' };
  }
  return undefined;
}

function unquote(value: string): string {
  return /^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/** The file's `image.tag` ('' when empty), or undefined when it has no such line. */
export function readImageTag(text: string): string | undefined {
  const line = findTagLine(text.split('\n'));
  return line && unquote(line.value);
}

/**
 * The file with `image.tag` set to `tag`, single-quoted (a SHA of digits alone must stay a
 * string); everything else, the line's own comment included, as it was. Throws when the tag is
 * not a Docker tag or the file has no `image.tag` line to change.
 */
export function setImageTag(text: string, tag: string): string {
  if (!IMAGE_TAG.test(tag)) throw new Error(`not an image tag: '${tag}'`);
  const lines = text.split('\n');
  const line = findTagLine(lines);
  if (!line) throw new Error('no image.tag line under a top-level image: key');
  lines[line.index] = `${line.indent}tag: '${tag}'${line.comment}`;
  return lines.join('\n');
}
