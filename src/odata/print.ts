/**
 * Syntax tree → canonical text that parses back to the same tree (test/odata property tests check it). Used
 * also as the query's fingerprint in `$skiptoken`, so two spellings of one filter page alike.
 */
import { assertNever } from '../util/assert.js';
import { precedenceOf } from './parser.js';
import type { OrderBySyntax, SyntaxNode } from './syntax.js';

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

function wrap(node: SyntaxNode, min: number): string {
  const text = printExpression(node);
  return precedenceOf(node) < min ? `(${text})` : text;
}

export function printExpression(node: SyntaxNode): string {
  switch (node.kind) {
    case 'literal':
      switch (node.type) {
        case 'null':
          return 'null';
        case 'boolean':
          return node.value ? 'true' : 'false';
        case 'string':
          return quote(node.value);
        case 'enum':
          return `${node.enumType}${quote(node.value)}`;
        case 'int':
        case 'decimal':
        case 'dateTimeOffset':
        case 'date':
        case 'guid':
          return node.value;
        default:
          return assertNever(node, 'literal');
      }
    case 'it':
      return '$it';
    case 'member':
      return node.base ? `${printExpression(node.base)}/${node.name}` : node.name;
    case 'cast':
      return node.base ? `${printExpression(node.base)}/${node.type}` : node.type;
    case 'count':
      return `${printExpression(node.base)}/$count`;
    case 'lambda':
      return node.variable === undefined || node.body === undefined
        ? `${printExpression(node.base)}/${node.op}()`
        : `${printExpression(node.base)}/${node.op}(${node.variable}:${printExpression(node.body)})`;
    case 'call':
      return `${node.name}(${node.args.map(printExpression).join(',')})`;
    case 'binary': {
      const bp = precedenceOf(node);
      return `${wrap(node.left, bp)} ${node.op} ${wrap(node.right, bp + 1)}`;
    }
    case 'not':
      return `not ${wrap(node.operand, precedenceOf(node))}`;
    case 'in': {
      const bp = precedenceOf(node);
      const right = node.list ? `(${node.list.map(printExpression).join(',')})` : wrap(node.collection!, bp + 1);
      return `${wrap(node.left, bp)} in ${right}`;
    }
    default:
      return assertNever(node, 'syntax node');
  }
}

export const printOrderBy = (items: readonly OrderBySyntax[]): string =>
  items.map((o) => `${printExpression(o.expr)}${o.descending ? ' desc' : ''}`).join(',');
