import type { MetaFields, ProfileBuilder } from '../../profile/builder';

const HEADER = /^#\s*([^:]+?)\s*:\s?(.*?)\s*$/;
const EVENT_NAME = /^name = ([^,]*)/;

/** Reads one `# key : value` line of a `perf script --header` block into the profile meta. */
export function readHeaderLine(line: string, builder: ProfileBuilder, seen: Set<string>): void {
  const m = HEADER.exec(line);
  if (!m) return;
  const key = (m[1] as string).toLowerCase();
  const value = m[2] as string;
  if (key === 'event') {
    const name = EVENT_NAME.exec(value)?.[1]?.trim();
    if (name && !name.startsWith('dummy')) builder.addHeaderEvent(name);
    return;
  }
  // A file may hold several recordings pasted together: the first header wins.
  if (seen.has(key)) return;
  const fields: MetaFields = {};
  switch (key) {
    case 'hostname':
      fields.hostname = value;
      break;
    case 'cmdline':
      fields.cmdline = value;
      break;
    case 'captured on':
      fields.capturedOn = value;
      break;
    case 'perf version':
      fields.perfVersion = value;
      break;
    case 'os release':
      fields.osRelease = value;
      break;
    case 'arch':
      // An architecture given with the upload wins over the header.
      if (builder.getMeta().arch) return;
      fields.arch = value;
      break;
    case 'nrcpus online': {
      const n = Number(value);
      if (Number.isInteger(n) && n > 0) fields.nrcpusOnline = n;
      break;
    }
    default:
      return;
  }
  seen.add(key);
  builder.setMeta(fields);
}
