import { describe, expect, it } from 'vitest';
import { mapTemplate, operationIdOf, pathParamsOf, segmentsOf, shapeOf, templateOf } from './template.js';

describe('path templates', () => {
  it('splits into static and parameter segments and back', () => {
    expect(segmentsOf('/users/{id}/orders')).toEqual([
      { kind: 'static', value: 'users' },
      { kind: 'param', name: 'id' },
      { kind: 'static', value: 'orders' },
    ]);
    expect(templateOf(segmentsOf('/users/{id}/orders'))).toBe('/users/{id}/orders');
    expect(templateOf(segmentsOf('/'))).toBe('/');
    expect(pathParamsOf('/a/{x}/b/{y}')).toEqual(['x', 'y']);
  });

  it('gives templates that differ only in parameter names one shape, as OpenAPI treats them', () => {
    expect(shapeOf('/users/{id}')).toBe(shapeOf('/users/{userId}'));
    expect(shapeOf('/users/me')).not.toBe(shapeOf('/users/{id}'));
  });

  it('maps one template onto another position by position, or says why not', () => {
    expect(mapTemplate('/users/me', '/users/{userId}')).toEqual({ ok: true, steps: ['same', 'generalise'] });
    expect(mapTemplate('/a/{x}/b', '/a/{y}/b')).toEqual({ ok: true, steps: ['same', 'rename', 'same'] });
    expect(mapTemplate('/files/{name}', '/files/export')).toEqual({ ok: true, steps: ['same', 'specialise'] });
    expect(mapTemplate('/a/b', '/a/c')).toEqual({ ok: false, reason: 'segment 2 differs: "b" in /a/b, "c" in /a/c' });
    expect(mapTemplate('/a', '/a/{x}')).toEqual({ ok: false, reason: '/a has 1 segment, /a/{x} has 2' });
  });

  it('derives readable operation ids', () => {
    expect(operationIdOf('GET', '/v1/products/{product_id}/reviews')).toBe('getV1ProductsByProductIdReviews');
    expect(operationIdOf('POST', '/api/v3/push/register')).toBe('postApiV3PushRegister');
    expect(operationIdOf('DELETE', '/cart-items/{itemId}')).toBe('deleteCartItemsByItemId');
    expect(operationIdOf('GET', '/')).toBe('get');
  });
});
