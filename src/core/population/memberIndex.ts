// The checks of member indices that the offline and the online population trainers both make, with one message each.

/** Throws unless `member` is one of the population's `size` members. */
export function checkMember(member: number, size: number): void {
  if (!(Number.isInteger(member) && member >= 0 && member < size)) throw new Error(`member ${member} is outside the population of ${size}`);
}

/** Throws unless `keep` lists at least one member, each of them once (the members a smaller population goes on with). */
export function checkKeep(keep: readonly number[], size: number): void {
  if (keep.length === 0) throw new Error('a population keeps at least one member');
  keep.forEach((k, i) => {
    checkMember(k, size);
    if (keep.indexOf(k) !== i) throw new Error(`member ${k} is kept twice`);
  });
}
