const STOP = new Set('a an and are as at be but by for from has have how i if in into is it its of on or so that the this to was were what when where which while with you your'.split(' '));

/** Words of a text, lower-cased, letters and digits only (underscores and dots split), stop words out. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1 && !STOP.has(w));
}
