/**
 * Path globs for fault rules and journal filters, over the version-less Graph path
 * (`/deviceAppManagement/mobileAppConfigurations/*\/userStatuses`): `*` is one segment or part of one, `**` any
 * number of segments, `?` one character other than `/`; everything else is literal, compared case-insensitively
 * as Graph compares its segments. Hand-written: picomatch is in node_modules only as a dependency of dev tools,
 * and these three wildcards over one kind of path are a dozen lines.
 */

/** The path a glob is matched against: the query and a leading `/v1.0` or `/beta` removed. */
export function versionlessPath(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const m = /^\/(?:v1\.0|beta)(?=\/|$)/i.exec(path);
  const rest = m ? path.slice(m[0].length) : path;
  return rest.startsWith('/') ? rest : `/${rest}`;
}

const literal = (s: string): string => s.replace(/[.+^${}()|[\]\\]/g, '\\$&');

export function compileGlob(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      // `/**/` also matches a single `/`, so `/a/**/b` matches `/a/b`.
      if (glob[i + 2] === '/' && out.endsWith('/')) {
        out = `${out.slice(0, -1)}(?:/.*)?/`;
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else out += literal(ch);
  }
  return new RegExp(`^${out}/?$`, 'i');
}
