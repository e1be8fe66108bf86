import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleWat, fuseMultiplyAdds } from '../../scripts/wat.mjs';

// scripts/wat.mjs's rewrite of c + a*b into relaxed SIMD's fused multiply-add, only in the functions a module names.
const MODULE = `
;; @fuse-multiply-add $inner
(module
  (func $inner (param $c v128) (param $a v128) (param $b v128) (result v128)
    (f32x4.add (local.get $c) (f32x4.mul (local.get $a) (f32x4.splat (f32.const 2)))))
  (func $other (param $c v128) (param $a v128) (result v128)
    (f32x4.add (local.get $c) (f32x4.mul (local.get $a) (local.get $a)))))`;

describe('fuseMultiplyAdds', () => {
  it('fuses c + a*b in the named functions, operands in relaxed_madd order (a, b, c), and nowhere else', () => {
    const out = fuseMultiplyAdds(MODULE);
    expect(out).toContain('(f32x4.relaxed_madd (local.get $a) (f32x4.splat (f32.const 2)) (local.get $c))');
    expect(out).toContain('(f32x4.add (local.get $c) (f32x4.mul (local.get $a) (local.get $a)))'); // $other untouched
    expect(out.match(/relaxed_madd/g)).toHaveLength(1);
  });

  it('leaves a*b + c (the product first) and lone adds as written', () => {
    const text = ';; @fuse-multiply-add $f\n(module (func $f (param v128 v128) (result v128) (f32x4.add (f32x4.mul (local.get 0) (local.get 1)) (local.get 0))))';
    expect(fuseMultiplyAdds(text)).toBe(text);
  });

  it('names what is missing: no directive, or a function the module lacks', () => {
    expect(() => fuseMultiplyAdds('(module)', 'x.wat')).toThrow(/x\.wat: no ";; @fuse-multiply-add \$name" line/);
    expect(() => fuseMultiplyAdds(';; @fuse-multiply-add $gone\n(module)', 'x.wat')).toThrow(/names \$gone, which is not a function/);
  });

  it("fuses gemm.wat's three product loops (13 multiply-adds) and assembles both modules", async () => {
    const url = new URL('../../src/core/tf/gemm.wat', import.meta.url);
    const source = readFileSync(url, 'utf8');
    expect(fuseMultiplyAdds(source).match(/relaxed_madd/g)).toHaveLength(13);
    const [plain, fused] = [await assembleWat(source, 'gemm.wat'), await assembleWat(source, 'gemm.wat', { fusedMultiplyAdd: true })];
    expect(WebAssembly.validate(plain as BufferSource)).toBe(true);
    expect(fused.length).toBeLessThan(plain.length); // one instruction where there were two
  });
});
