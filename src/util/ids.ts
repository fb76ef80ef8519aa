import { randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/** A fresh strong entity tag value: random, so a deleted-and-recreated entity never reuses one. */
export const newEtag = (): string => randomBytes(9).toString('base64url');
