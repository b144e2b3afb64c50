/**
 * The URL of an image file that a browser saves instead of showing. `<a download>` is ignored
 * across origins, and with S3 storage the file URL redirects to the bucket: so the gallery is
 * asked for `download=1`, which answers (or makes the storage URL answer)
 * Content-Disposition: attachment.
 */
export function downloadUrl(fileUrl: string): string {
  const hash = fileUrl.indexOf('#');
  const path = hash === -1 ? fileUrl : fileUrl.slice(0, hash);
  const separator = path.includes('?') ? '&' : '?';
  return `${path}${separator}download=1${hash === -1 ? '' : fileUrl.slice(hash)}`;
}
