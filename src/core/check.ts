/** One line of `mem doctor`: what was checked, how it stands, and what to do about it. */
export type Status = 'ok' | 'warn' | 'fail';
export interface Check {
  name: string;
  status: Status;
  detail: string;
}
