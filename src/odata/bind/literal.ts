/**
 * Literals → typed values (odata.net's `LiteralBinder`), and the conversions OData allows when a literal meets
 * a typed operand: a string naming an enum member, a quoted date-time against Edm.DateTimeOffset.
 */
import { INT32_MAX, INT32_MIN } from '../../model/edm.js';
import type { EnumType } from '../../model/model.js';
import { assertNever } from '../../util/assert.js';
import { parseDateTimeOffset } from '../../util/datetime.js';
import { shown } from '../errors.js';
import type { Expr, ScalarType } from '../semantic.js';
import type { Literal } from '../syntax.js';
import { type BindScope, bindFail } from './context.js';

export function bindLiteral(scope: BindScope, node: Literal): Expr {
  switch (node.type) {
    case 'null':
      return { kind: 'null' };
    case 'boolean':
      return { kind: 'literal', type: { kind: 'boolean' }, value: node.value };
    case 'string':
    case 'guid':
      return { kind: 'literal', type: { kind: 'string' }, value: node.value };
    case 'int': {
      const n = Number(node.value);
      if (!Number.isSafeInteger(n) || n < INT32_MIN || n > INT32_MAX) {
        return bindFail(
          scope,
          `The number ${node.value} is outside the range of Edm.Int32 (${INT32_MIN} to ${INT32_MAX}).`,
          node.pos,
        );
      }
      return { kind: 'literal', type: { kind: 'int32' }, value: n };
    }
    case 'decimal':
      return bindFail(
        scope,
        `The number ${node.value} is not an integer; every numeric property here is an Edm.Int32.`,
        node.pos,
      );
    case 'dateTimeOffset': {
      const r = parseDateTimeOffset(node.value);
      if (!r.ok)
        return bindFail(scope, `${shown(node.value)} is not a valid Edm.DateTimeOffset: ${r.reason}.`, node.pos);
      return { kind: 'literal', type: { kind: 'dateTimeOffset' }, value: r.value };
    }
    case 'date':
      return bindFail(
        scope,
        `Edm.Date values such as ${node.value} cannot be compared here; use a date-time with an offset, e.g. ${node.value}T00:00:00Z.`,
        node.pos,
      );
    case 'enum': {
      const e = scope.model.enumByQualifiedName(node.enumType);
      if (!e)
        return bindFail(scope, `The enum type '${node.enumType}' does not exist in ${scope.model.version}.`, node.pos);
      return { kind: 'literal', type: { kind: 'enum', enum: e }, value: enumMember(scope, e, node.value, node.pos) };
    }
    default:
      return assertNever(node, 'literal');
  }
}

/** The value of the member `text` names: exact, else case-insensitive when that is unambiguous. */
function enumMember(scope: BindScope, e: EnumType, text: string, pos: number): number {
  const exact = e.byName.get(text);
  if (exact !== undefined) return exact;
  const folded = e.members.filter((m) => m.name.toLowerCase() === text.toLowerCase());
  if (folded.length === 1) return folded[0]!.value;
  return bindFail(
    scope,
    `'${text}' is not a member of ${e.qualifiedName}; use one of ${e.members.map((m) => `'${m.name}'`).join(', ')}.`,
    pos,
  );
}

/** Converts a literal to `target` where OData allows it (a string naming an enum member or a date-time). */
export function coerce(scope: BindScope, e: Expr, target: ScalarType, pos: number): Expr {
  if (e.kind !== 'literal') return e;
  if (target.kind === 'enum' && e.type.kind === 'string') {
    return { kind: 'literal', type: target, value: enumMember(scope, target.enum, e.value as string, pos) };
  }
  if (target.kind === 'enum' && e.type.kind === 'int32') {
    return bindFail(
      scope,
      `Enum values are written as member names ('${target.enum.members[0]!.name}'), not numbers.`,
      pos,
    );
  }
  if (target.kind === 'dateTimeOffset' && e.type.kind === 'string') {
    const r = parseDateTimeOffset(e.value as string);
    if (!r.ok)
      return bindFail(scope, `${shown(e.value as string)} is not a valid Edm.DateTimeOffset: ${r.reason}.`, pos);
    return { kind: 'literal', type: target, value: r.value };
  }
  return e;
}
