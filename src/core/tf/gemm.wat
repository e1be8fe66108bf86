;; Float32 matrix products C = A B over a batch, with 128-bit WebAssembly SIMD, on tfjs-backend-wasm's own memory
;; (imported), so tensors are read and written where the backend keeps them: no copies, no packed weights. Also the
;; column sums of a bias gradient (sumRows, core/tf/wasmColumnSums.ts), Adam's step (adamStep, core/tf/wasmAdam.ts),
;; a dense layer's bias, relu and relu gradient (biasAct, reluGrad: core/tf/wasmDense.ts) and Polyak averaging
;; (lerp: core/tf/wasmPolyak.ts).
;; Assembled at build time (scripts/wat.mjs); called by core/tf/wasmGemm.ts, which gives every address in bytes.
;;
;; A's element (i, l) is at a + i*sai + l*sal, so a transposed A is only other strides; B's rows are contiguous
;; (element (l, j) at b + l*sbl + 4j; a transposed B is first copied by `transpose`); C is [n, p] row-major.
;; Each element is summed over l in order, c = c + a*b: two roundings in this baseline-SIMD text, one in the module
;; built from it with relaxed SIMD (scripts/wat.mjs's fuseMultiplyAdds, for the functions named below), which
;; core/tf/wasmGemm.ts runs wherever the engine takes it.
;; @fuse-multiply-add $block8 $block4 $dot
(module
  (import "tfjs" "memory" (memory 1))

  ;; `rows` (1..4) rows by 8 columns of C: 8 accumulators, B's 8 values as two vectors, A's value splatted.
  ;; Rows past `rows` repeat the last real row (valid memory), and are not stored.
  (func $block8 (param $a i32) (param $sai i32) (param $sal i32) (param $b i32) (param $sbl i32)
                (param $c i32) (param $sc i32) (param $m i32) (param $rows i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $a1 (select (i32.add (local.get $a) (local.get $sai)) (local.get $a) (i32.gt_u (local.get $rows) (i32.const 1))))
    (local.set $a2 (select (i32.add (local.get $a1) (local.get $sai)) (local.get $a1) (i32.gt_u (local.get $rows) (i32.const 2))))
    (local.set $a3 (select (i32.add (local.get $a2) (local.get $sai)) (local.get $a2) (i32.gt_u (local.get $rows) (i32.const 3))))
    (loop $l
      (local.set $b0 (v128.load (local.get $b)))
      (local.set $b1 (v128.load offset=16 (local.get $b)))
      (local.set $x (v128.load32_splat (local.get $a)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat (local.get $a1)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat (local.get $a2)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat (local.get $a3)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $a (i32.add (local.get $a) (local.get $sal)))
      (local.set $a1 (i32.add (local.get $a1) (local.get $sal)))
      (local.set $a2 (i32.add (local.get $a2) (local.get $sal)))
      (local.set $a3 (i32.add (local.get $a3) (local.get $sal)))
      (local.set $b (i32.add (local.get $b) (local.get $sbl)))
      (br_if $l (local.tee $m (i32.sub (local.get $m) (i32.const 1)))))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (if (i32.gt_u (local.get $rows) (i32.const 1)) (then
      (local.set $c (i32.add (local.get $c) (local.get $sc)))
      (v128.store (local.get $c) (local.get $c10))
      (v128.store offset=16 (local.get $c) (local.get $c11))))
    (if (i32.gt_u (local.get $rows) (i32.const 2)) (then
      (local.set $c (i32.add (local.get $c) (local.get $sc)))
      (v128.store (local.get $c) (local.get $c20))
      (v128.store offset=16 (local.get $c) (local.get $c21))))
    (if (i32.gt_u (local.get $rows) (i32.const 3)) (then
      (local.set $c (i32.add (local.get $c) (local.get $sc)))
      (v128.store (local.get $c) (local.get $c30))
      (v128.store offset=16 (local.get $c) (local.get $c31)))))

  ;; The same for 4 columns (one vector of B).
  (func $block4 (param $a i32) (param $sai i32) (param $sal i32) (param $b i32) (param $sbl i32)
                (param $c i32) (param $sc i32) (param $m i32) (param $rows i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $b0 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $a1 (select (i32.add (local.get $a) (local.get $sai)) (local.get $a) (i32.gt_u (local.get $rows) (i32.const 1))))
    (local.set $a2 (select (i32.add (local.get $a1) (local.get $sai)) (local.get $a1) (i32.gt_u (local.get $rows) (i32.const 2))))
    (local.set $a3 (select (i32.add (local.get $a2) (local.get $sai)) (local.get $a2) (i32.gt_u (local.get $rows) (i32.const 3))))
    (loop $l
      (local.set $b0 (v128.load (local.get $b)))
      (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (v128.load32_splat (local.get $a)) (local.get $b0))))
      (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (v128.load32_splat (local.get $a1)) (local.get $b0))))
      (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (v128.load32_splat (local.get $a2)) (local.get $b0))))
      (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (v128.load32_splat (local.get $a3)) (local.get $b0))))
      (local.set $a (i32.add (local.get $a) (local.get $sal)))
      (local.set $a1 (i32.add (local.get $a1) (local.get $sal)))
      (local.set $a2 (i32.add (local.get $a2) (local.get $sal)))
      (local.set $a3 (i32.add (local.get $a3) (local.get $sal)))
      (local.set $b (i32.add (local.get $b) (local.get $sbl)))
      (br_if $l (local.tee $m (i32.sub (local.get $m) (i32.const 1)))))
    (v128.store (local.get $c) (local.get $c0))
    (if (i32.gt_u (local.get $rows) (i32.const 1)) (then
      (local.set $c (i32.add (local.get $c) (local.get $sc)))
      (v128.store (local.get $c) (local.get $c1))))
    (if (i32.gt_u (local.get $rows) (i32.const 2)) (then
      (local.set $c (i32.add (local.get $c) (local.get $sc)))
      (v128.store (local.get $c) (local.get $c2))))
    (if (i32.gt_u (local.get $rows) (i32.const 3)) (then
      (local.set $c (i32.add (local.get $c) (local.get $sc)))
      (v128.store (local.get $c) (local.get $c3)))))

  ;; One element: sum over l of A(l) B(l) at byte strides sa, sb; four partial sums when both are contiguous.
  (func $dot (param $a i32) (param $sa i32) (param $b i32) (param $sb i32) (param $m i32) (result f32)
    (local $v v128) (local $s f32)
    (if (i32.and (i32.and (i32.eq (local.get $sa) (i32.const 4)) (i32.eq (local.get $sb) (i32.const 4)))
                 (i32.ge_u (local.get $m) (i32.const 4)))
      (then
        (loop $l4
          (local.set $v (f32x4.add (local.get $v) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
          (local.set $a (i32.add (local.get $a) (i32.const 16)))
          (local.set $b (i32.add (local.get $b) (i32.const 16)))
          (br_if $l4 (i32.ge_u (local.tee $m (i32.sub (local.get $m) (i32.const 4))) (i32.const 4))))
        (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
                               (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))))
    (block $done
      (br_if $done (i32.eqz (local.get $m)))
      (loop $l
        (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (local.get $sa)))
        (local.set $b (i32.add (local.get $b) (local.get $sb)))
        (br_if $l (local.tee $m (i32.sub (local.get $m) (i32.const 1))))))
    (local.get $s))

  ;; C[t] = A[t] B[t] for t < batch; sa, sb are the byte strides between batch elements (C's is n*p*4). m >= 1.
  (func (export "gemm") (param $a i32) (param $sai i32) (param $sal i32) (param $sa i32)
                        (param $b i32) (param $sbl i32) (param $sb i32)
                        (param $c i32) (param $batch i32) (param $n i32) (param $m i32) (param $p i32)
    (local $i i32) (local $j i32) (local $r i32) (local $rows i32) (local $sc i32)
    (local $ai i32) (local $ci i32)
    (local.set $sc (i32.shl (local.get $p) (i32.const 2)))
    (loop $t
      (local.set $i (i32.const 0))
      (loop $rowBlock
        (local.set $rows (select (i32.const 4) (i32.sub (local.get $n) (local.get $i))
                                 (i32.ge_u (i32.sub (local.get $n) (local.get $i)) (i32.const 4))))
        (local.set $ai (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sai))))
        (local.set $ci (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sc))))
        (local.set $j (i32.const 0))
        (block $wide
          (loop $cols8
            (br_if $wide (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $p)))
            (call $block8 (local.get $ai) (local.get $sai) (local.get $sal)
                          (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $sbl)
                          (i32.add (local.get $ci) (i32.shl (local.get $j) (i32.const 2))) (local.get $sc)
                          (local.get $m) (local.get $rows))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $cols8)))
        (if (i32.le_u (i32.add (local.get $j) (i32.const 4)) (local.get $p)) (then
          (call $block4 (local.get $ai) (local.get $sai) (local.get $sal)
                        (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $sbl)
                        (i32.add (local.get $ci) (i32.shl (local.get $j) (i32.const 2))) (local.get $sc)
                        (local.get $m) (local.get $rows))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))))
        ;; The last 1-3 columns of a p >= 4 as the block of the last 4, again computing (in the same order, so to the
        ;; same bits) the columns it shares with the block before.
        (if (i32.and (i32.lt_u (local.get $j) (local.get $p)) (i32.ge_u (local.get $p) (i32.const 4))) (then
          (local.set $j (i32.sub (local.get $p) (i32.const 4)))
          (call $block4 (local.get $ai) (local.get $sai) (local.get $sal)
                        (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $sbl)
                        (i32.add (local.get $ci) (i32.shl (local.get $j) (i32.const 2))) (local.get $sc)
                        (local.get $m) (local.get $rows))
          (local.set $j (local.get $p))))
        ;; p < 4: element by element
        (block $narrow
          (loop $cols1
            (br_if $narrow (i32.ge_u (local.get $j) (local.get $p)))
            (local.set $r (i32.const 0))
            (loop $row
              (f32.store
                (i32.add (i32.add (local.get $ci) (i32.mul (local.get $r) (local.get $sc))) (i32.shl (local.get $j) (i32.const 2)))
                (call $dot (i32.add (local.get $ai) (i32.mul (local.get $r) (local.get $sai))) (local.get $sal)
                           (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $sbl)
                           (local.get $m)))
              (br_if $row (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols1)))
        (br_if $rowBlock (i32.lt_u (local.tee $i (i32.add (local.get $i) (local.get $rows))) (local.get $n))))
      (local.set $a (i32.add (local.get $a) (local.get $sa)))
      (local.set $b (i32.add (local.get $b) (local.get $sb)))
      (local.set $c (i32.add (local.get $c) (i32.mul (local.get $n) (local.get $sc))))
      (br_if $t (local.tee $batch (i32.sub (local.get $batch) (i32.const 1))))))

  ;; dst[t, j] = sum over i of src[t, i, j] for t < batch, src[t] being rows x cols float32 (addresses in bytes): the
  ;; column sums of a matrix (a bias gradient), each summed over the rows in order from 0, as a scalar loop would.
  ;; 16 columns at a time (4 vectors), then 4, then one by one.
  (func (export "sumRows") (param $src i32) (param $dst i32) (param $batch i32) (param $rows i32) (param $cols i32)
    (local $j i32) (local $i i32) (local $p i32) (local $row i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $s f32)
    (local.set $row (i32.shl (local.get $cols) (i32.const 2)))
    (loop $t
      (local.set $j (i32.const 0))
      (block $wide
        (loop $cols16
          (br_if $wide (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $cols)))
          (local.set $p (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $s0 (v128.const i32x4 0 0 0 0))
          (local.set $s1 (v128.const i32x4 0 0 0 0))
          (local.set $s2 (v128.const i32x4 0 0 0 0))
          (local.set $s3 (v128.const i32x4 0 0 0 0))
          (local.set $i (local.get $rows))
          (loop $r16
            (local.set $s0 (f32x4.add (local.get $s0) (v128.load (local.get $p))))
            (local.set $s1 (f32x4.add (local.get $s1) (v128.load offset=16 (local.get $p))))
            (local.set $s2 (f32x4.add (local.get $s2) (v128.load offset=32 (local.get $p))))
            (local.set $s3 (f32x4.add (local.get $s3) (v128.load offset=48 (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $row)))
            (br_if $r16 (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
          (local.set $p (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2))))
          (v128.store (local.get $p) (local.get $s0))
          (v128.store offset=16 (local.get $p) (local.get $s1))
          (v128.store offset=32 (local.get $p) (local.get $s2))
          (v128.store offset=48 (local.get $p) (local.get $s3))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $cols16)))
      (block $quad
        (loop $cols4
          (br_if $quad (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $cols)))
          (local.set $p (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $s0 (v128.const i32x4 0 0 0 0))
          (local.set $i (local.get $rows))
          (loop $r4
            (local.set $s0 (f32x4.add (local.get $s0) (v128.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $row)))
            (br_if $r4 (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
          (v128.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2))) (local.get $s0))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $cols4)))
      (block $narrow
        (loop $cols1
          (br_if $narrow (i32.ge_u (local.get $j) (local.get $cols)))
          (local.set $p (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $s (f32.const 0))
          (local.set $i (local.get $rows))
          (loop $r1
            (local.set $s (f32.add (local.get $s) (f32.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $row)))
            (br_if $r1 (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
          (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $cols1)))
      (local.set $src (i32.add (local.get $src) (i32.mul (local.get $rows) (local.get $row))))
      (local.set $dst (i32.add (local.get $dst) (local.get $row)))
      (br_if $t (local.tee $batch (i32.sub (local.get $batch) (i32.const 1))))))

  ;; Adam's step over `count` values (core/tf/wasmAdam.ts: one variable of one member), each operation the float32
  ;; operation of the tf ops in their order: g = g*gScale; m' = m*b1 + g*c1; v' = v*b2 + g*g*c2;
  ;; x' = x*decay - m' / (sqrt(v')/sqrtBc2 + eps) * step (gScale and decay 1 when unused: exact). Returns the float32
  ;; sum of g*g in order (the gradient norm's part), four lanes added one by one.
  (func (export "adamStep") (param $x i32) (param $g i32) (param $m i32) (param $v i32)
                            (param $x1 i32) (param $m1 i32) (param $v1 i32) (param $count i32)
                            (param $step f32) (param $gScale f32) (param $decay f32)
                            (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32) (param $eps f32) (param $sqrtBc2 f32)
                            (result f32)
    (local $o i32) (local $end i32) (local $sq f32)
    (local $G v128) (local $G2 v128) (local $M v128) (local $V v128)
    (local $s f32) (local $gs f32) (local $g2 f32) (local $mj f32) (local $vj f32)
    (local.set $end (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2)))
    (block $done4
      (loop $l4
        (br_if $done4 (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $G (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $o))) (f32x4.splat (local.get $gScale))))
        (local.set $G2 (f32x4.mul (local.get $G) (local.get $G)))
        (local.set $sq (f32.add (local.get $sq) (f32x4.extract_lane 0 (local.get $G2))))
        (local.set $sq (f32.add (local.get $sq) (f32x4.extract_lane 1 (local.get $G2))))
        (local.set $sq (f32.add (local.get $sq) (f32x4.extract_lane 2 (local.get $G2))))
        (local.set $sq (f32.add (local.get $sq) (f32x4.extract_lane 3 (local.get $G2))))
        (local.set $M (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $o))) (f32x4.splat (local.get $b1)))
                                 (f32x4.mul (local.get $G) (f32x4.splat (local.get $c1)))))
        (local.set $V (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $o))) (f32x4.splat (local.get $b2)))
                                 (f32x4.mul (local.get $G2) (f32x4.splat (local.get $c2)))))
        (v128.store (i32.add (local.get $m1) (local.get $o)) (local.get $M))
        (v128.store (i32.add (local.get $v1) (local.get $o)) (local.get $V))
        (v128.store (i32.add (local.get $x1) (local.get $o))
          (f32x4.sub
            (f32x4.mul (v128.load (i32.add (local.get $x) (local.get $o))) (f32x4.splat (local.get $decay)))
            (f32x4.mul
              (f32x4.div (local.get $M)
                         (f32x4.add (f32x4.div (f32x4.sqrt (local.get $V)) (f32x4.splat (local.get $sqrtBc2))) (f32x4.splat (local.get $eps))))
              (f32x4.splat (local.get $step)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $l4)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done1
      (loop $l1
        (br_if $done1 (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $gs (f32.mul (f32.load (i32.add (local.get $g) (local.get $o))) (local.get $gScale)))
        (local.set $g2 (f32.mul (local.get $gs) (local.get $gs)))
        (local.set $sq (f32.add (local.get $sq) (local.get $g2)))
        (local.set $mj (f32.add (f32.mul (f32.load (i32.add (local.get $m) (local.get $o))) (local.get $b1)) (f32.mul (local.get $gs) (local.get $c1))))
        (local.set $vj (f32.add (f32.mul (f32.load (i32.add (local.get $v) (local.get $o))) (local.get $b2)) (f32.mul (local.get $g2) (local.get $c2))))
        (f32.store (i32.add (local.get $m1) (local.get $o)) (local.get $mj))
        (f32.store (i32.add (local.get $v1) (local.get $o)) (local.get $vj))
        (f32.store (i32.add (local.get $x1) (local.get $o))
          (f32.sub (f32.mul (f32.load (i32.add (local.get $x) (local.get $o))) (local.get $decay))
                   (f32.mul (f32.div (local.get $mj) (f32.add (f32.div (f32.sqrt (local.get $vj)) (local.get $sqrtBc2)) (local.get $eps)))
                            (local.get $step))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $l1)))
    (local.get $sq))

  ;; c[t, i, j] = act(c[t, i, j] + bias[t][j]) in place for t < batch, c[t] being rows x cols (a dense layer's bias
  ;; and activation right after its product, while C is in cache; core/tf/wasmDense.ts). bias[t] is at
  ;; bias + t*biasStride (0: one bias row for all). relu: max(z, 0), NaN kept (as tfjs's Relu), -0 to +0.
  (func (export "biasAct") (param $c i32) (param $bias i32) (param $batch i32) (param $rows i32) (param $cols i32)
                           (param $biasStride i32) (param $relu i32)
    (local $i i32) (local $j i32) (local $end4 i32) (local $z v128) (local $s f32)
    (local.set $end4 (i32.and (local.get $cols) (i32.const -4)))
    (loop $t
      (local.set $i (local.get $rows))
      (loop $row
        (local.set $j (i32.const 0))
        (block $done4
          (loop $cols4
            (br_if $done4 (i32.ge_u (local.get $j) (local.get $end4)))
            (local.set $z (f32x4.add (v128.load (local.get $c)) (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))))
            (if (local.get $relu) (then (local.set $z (f32x4.max (local.get $z) (v128.const i32x4 0 0 0 0)))))
            (v128.store (local.get $c) (local.get $z))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols4)))
        (block $done1
          (loop $cols1
            (br_if $done1 (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $s (f32.add (f32.load (local.get $c)) (f32.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))))
            (if (local.get $relu) (then (local.set $s (f32.max (local.get $s) (f32.const 0)))))
            (f32.store (local.get $c) (local.get $s))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols1)))
        (br_if $row (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
      (local.set $bias (i32.add (local.get $bias) (local.get $biasStride)))
      (br_if $t (local.tee $batch (i32.sub (local.get $batch) (i32.const 1))))))

  ;; dst = dy * (y > 0 ? 1 : y) over count values: relu's gradient read from its output y = max(x, 0), which is > 0
  ;; exactly where x was, else +0, or NaN where x was NaN: so the factor is tfjs's step(x) (1, 0 or NaN) and the
  ;; product its dy * step(x), bit for bit (core/tf/wasmDense.ts).
  (func (export "reluGrad") (param $dy i32) (param $y i32) (param $dst i32) (param $count i32)
    (local $o i32) (local $end i32) (local $Y v128) (local $s f32)
    (local.set $end (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2)))
    (block $done4
      (loop $l4
        (br_if $done4 (i32.ge_u (local.get $o) (local.get $end)))
        (v128.store (i32.add (local.get $dst) (local.get $o))
          (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $o)))
                     (v128.bitselect (v128.const f32x4 1 1 1 1) (local.tee $Y (v128.load (i32.add (local.get $y) (local.get $o))))
                                     (f32x4.gt (local.get $Y) (v128.const i32x4 0 0 0 0)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $l4)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done1
      (loop $l1
        (br_if $done1 (i32.ge_u (local.get $o) (local.get $end)))
        (f32.store (i32.add (local.get $dst) (local.get $o))
          (f32.mul (f32.load (i32.add (local.get $dy) (local.get $o)))
                   (select (f32.const 1) (local.tee $s (f32.load (i32.add (local.get $y) (local.get $o)))) (f32.gt (local.get $s) (f32.const 0)))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $l1))))

  ;; out = src*t + dst*u over count values (Polyak averaging of a target network, core/tf/wasmPolyak.ts: t = tau,
  ;; u = 1 - tau as float32), each the float32 multiply and add of tf's add(mul(src, t), mul(dst, u)).
  (func (export "lerp") (param $src i32) (param $dst i32) (param $out i32) (param $count i32) (param $t f32) (param $u f32)
    (local $o i32) (local $end i32) (local $T v128) (local $U v128)
    (local.set $T (f32x4.splat (local.get $t)))
    (local.set $U (f32x4.splat (local.get $u)))
    (local.set $end (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2)))
    (block $done4
      (loop $l4
        (br_if $done4 (i32.ge_u (local.get $o) (local.get $end)))
        (v128.store (i32.add (local.get $out) (local.get $o))
          (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $src) (local.get $o))) (local.get $T))
                     (f32x4.mul (v128.load (i32.add (local.get $dst) (local.get $o))) (local.get $U))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $l4)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done1
      (loop $l1
        (br_if $done1 (i32.ge_u (local.get $o) (local.get $end)))
        (f32.store (i32.add (local.get $out) (local.get $o))
          (f32.add (f32.mul (f32.load (i32.add (local.get $src) (local.get $o))) (local.get $t))
                   (f32.mul (f32.load (i32.add (local.get $dst) (local.get $o))) (local.get $u))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $l1))))

  ;; dst[r, j] = src[r, j] for r < rows, j < cols, and 0 for cols <= j < dstCols: rows of srcCols and dstCols values
  ;; (a 2-3 column B padded to 4 with zeros, and the 4-column product's first columns copied out; core/tf/wasmGemm.ts).
  (func (export "copyColumns") (param $src i32) (param $srcCols i32) (param $dst i32) (param $dstCols i32)
                               (param $rows i32) (param $cols i32)
    (local $j i32)
    (loop $r
      (local.set $j (i32.const 0))
      (block $copied
        (loop $copy
          (br_if $copied (i32.ge_u (local.get $j) (local.get $cols)))
          (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
                     (f32.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $copy)))
      (block $filled
        (loop $fill
          (br_if $filled (i32.ge_u (local.get $j) (local.get $dstCols)))
          (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2))) (f32.const 0))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $fill)))
      (local.set $src (i32.add (local.get $src) (i32.shl (local.get $srcCols) (i32.const 2))))
      (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $dstCols) (i32.const 2))))
      (br_if $r (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; dst[t] = src[t]^T for t < batch, src[t] being rows x cols float32 (addresses in bytes).
  (func (export "transpose") (param $src i32) (param $dst i32) (param $batch i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $d i32) (local $sd i32)
    (local.set $sd (i32.shl (local.get $rows) (i32.const 2)))
    (loop $t
      (local.set $i (i32.const 0))
      (loop $row
        (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $j (local.get $cols))
        (loop $col
          (f32.store (local.get $d) (f32.load (local.get $src)))
          (local.set $src (i32.add (local.get $src) (i32.const 4)))
          (local.set $d (i32.add (local.get $d) (local.get $sd)))
          (br_if $col (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
        (br_if $row (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $rows))))
      (local.set $dst (i32.add (local.get $dst) (i32.mul (local.get $sd) (local.get $cols))))
      (br_if $t (local.tee $batch (i32.sub (local.get $batch) (i32.const 1)))))))
