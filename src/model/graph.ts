/**
 * The Microsoft Graph schema served, as data. Names, types, nullability and descriptions are copied from
 * the Graph CSDL (msgraph-metadata `schemas/v1.0-Prod.csdl` and `beta-Prod.csdl`): the app configuration family
 * in graph/apps.ts, the directory in graph/directory.ts. The order here is the order of `$metadata`.
 */
import type { ComplexTypeDef, EntityTypeDef, EnumTypeDef } from './edm.js';
import { APP_COMPLEX_TYPES, APP_ENTITY_TYPES, APP_ENUMS } from './graph/apps.js';
import { DIRECTORY_COMPLEX_TYPES, DIRECTORY_ENTITY_TYPES, DIRECTORY_ENUMS } from './graph/directory.js';

export const ENUMS: readonly EnumTypeDef[] = [...DIRECTORY_ENUMS, ...APP_ENUMS];
export const COMPLEX_TYPES: readonly ComplexTypeDef[] = [...DIRECTORY_COMPLEX_TYPES, ...APP_COMPLEX_TYPES];
export const ENTITY_TYPES: readonly EntityTypeDef[] = [...APP_ENTITY_TYPES, ...DIRECTORY_ENTITY_TYPES];
