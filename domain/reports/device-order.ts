/** Device ids in the order people expect: `a-2` before `a-10`. */
export const byDeviceId = new Intl.Collator('en', { numeric: true }).compare;
