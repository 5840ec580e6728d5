;; SHA-256 compression function (FIPS 180-4 §6.2.2) for WebAssembly 1.0.
;;
;; The source of the bytes embedded in sha256_wasm_bytes.ts:
;; scripts/assemble_sha256_wasm.ts assembles it (a small assembler for the
;; flat-instruction subset of the text format used here; no toolchain
;; needed) and tests/decoders_sha256_test.ts checks that the embedded bytes
;; are this file's assembly.
;;
;; Written out in full like sha256.ts's hashBlocks, which is why it is fast:
;; the 16-word message schedule lives in locals $w0..$w15 (word t overwrites
;; word t - 16 from round 16 on), the round constants are immediates, and
;; the eight working variables are renamed instead of shifted (round t
;; writes d and h under the names they have in that round). One round per
;; three or four lines:
;;   Wt = σ1(Wt-2) + Wt-7 + σ0(Wt-15) + Wt-16       (rounds 16..63; rounds
;;        0..15 load the block's big-endian words: rotl 8 keeps bytes 0
;;        and 2 in place, rotr 8 bytes 1 and 3)
;;   T1 = h + Σ1(e) + Ch(e, f, g) + Kt + Wt, Ch = g ^ (e & (f ^ g))
;;   d += T1
;;   h = T1 + Σ0(a) + Maj(a, b, c), Maj = (a & b) | (c & (a | b))
;;
;; Memory (one 64 KiB page, shared by every Sha256 of a JS realm; a call
;; keeps nothing between calls):
;;   [512, 544)    the hash state H0..H7 (the caller writes it in, reads it out)
;;   [1024, 65536) input blocks the caller copies in
(module
  (memory (export "memory") 1)
  ;; Runs the compression function over `blocks` 64-byte blocks at `input`,
  ;; updating the state at 512.
  (func (export "compress") (param $input i32) (param $blocks i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local $e i32) (local $f i32) (local $g i32) (local $h i32)
    (local $x i32) (local $t1 i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $w4 i32) (local $w5 i32) (local $w6 i32) (local $w7 i32)
    (local $w8 i32) (local $w9 i32) (local $w10 i32) (local $w11 i32)
    (local $w12 i32) (local $w13 i32) (local $w14 i32) (local $w15 i32)
    (block $done
      local.get $blocks i32.eqz br_if $done
      (loop $block
        ;; The working variables start from the state.
        i32.const 0 i32.load offset=512 local.set $a
        i32.const 0 i32.load offset=516 local.set $b
        i32.const 0 i32.load offset=520 local.set $c
        i32.const 0 i32.load offset=524 local.set $d
        i32.const 0 i32.load offset=528 local.set $e
        i32.const 0 i32.load offset=532 local.set $f
        i32.const 0 i32.load offset=536 local.set $g
        i32.const 0 i32.load offset=540 local.set $h
        ;; round 0: a..h are $a $b $c $d $e $f $g $h
        local.get $input i32.load offset=0 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w0
        local.get $h local.get $e i32.const 6 i32.rotr local.get $e i32.const 11 i32.rotr i32.xor local.get $e i32.const 25 i32.rotr i32.xor i32.add local.get $g local.get $e local.get $f local.get $g i32.xor i32.and i32.xor i32.add i32.const 0x428a2f98 i32.add local.get $w0 i32.add local.set $t1
        local.get $d local.get $t1 i32.add local.set $d
        local.get $t1 local.get $a i32.const 2 i32.rotr local.get $a i32.const 13 i32.rotr i32.xor local.get $a i32.const 22 i32.rotr i32.xor i32.add local.get $a local.get $b i32.and local.get $c local.get $a local.get $b i32.or i32.and i32.or i32.add local.set $h
        ;; round 1: a..h are $h $a $b $c $d $e $f $g
        local.get $input i32.load offset=4 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w1
        local.get $g local.get $d i32.const 6 i32.rotr local.get $d i32.const 11 i32.rotr i32.xor local.get $d i32.const 25 i32.rotr i32.xor i32.add local.get $f local.get $d local.get $e local.get $f i32.xor i32.and i32.xor i32.add i32.const 0x71374491 i32.add local.get $w1 i32.add local.set $t1
        local.get $c local.get $t1 i32.add local.set $c
        local.get $t1 local.get $h i32.const 2 i32.rotr local.get $h i32.const 13 i32.rotr i32.xor local.get $h i32.const 22 i32.rotr i32.xor i32.add local.get $h local.get $a i32.and local.get $b local.get $h local.get $a i32.or i32.and i32.or i32.add local.set $g
        ;; round 2: a..h are $g $h $a $b $c $d $e $f
        local.get $input i32.load offset=8 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w2
        local.get $f local.get $c i32.const 6 i32.rotr local.get $c i32.const 11 i32.rotr i32.xor local.get $c i32.const 25 i32.rotr i32.xor i32.add local.get $e local.get $c local.get $d local.get $e i32.xor i32.and i32.xor i32.add i32.const 0xb5c0fbcf i32.add local.get $w2 i32.add local.set $t1
        local.get $b local.get $t1 i32.add local.set $b
        local.get $t1 local.get $g i32.const 2 i32.rotr local.get $g i32.const 13 i32.rotr i32.xor local.get $g i32.const 22 i32.rotr i32.xor i32.add local.get $g local.get $h i32.and local.get $a local.get $g local.get $h i32.or i32.and i32.or i32.add local.set $f
        ;; round 3: a..h are $f $g $h $a $b $c $d $e
        local.get $input i32.load offset=12 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w3
        local.get $e local.get $b i32.const 6 i32.rotr local.get $b i32.const 11 i32.rotr i32.xor local.get $b i32.const 25 i32.rotr i32.xor i32.add local.get $d local.get $b local.get $c local.get $d i32.xor i32.and i32.xor i32.add i32.const 0xe9b5dba5 i32.add local.get $w3 i32.add local.set $t1
        local.get $a local.get $t1 i32.add local.set $a
        local.get $t1 local.get $f i32.const 2 i32.rotr local.get $f i32.const 13 i32.rotr i32.xor local.get $f i32.const 22 i32.rotr i32.xor i32.add local.get $f local.get $g i32.and local.get $h local.get $f local.get $g i32.or i32.and i32.or i32.add local.set $e
        ;; round 4: a..h are $e $f $g $h $a $b $c $d
        local.get $input i32.load offset=16 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w4
        local.get $d local.get $a i32.const 6 i32.rotr local.get $a i32.const 11 i32.rotr i32.xor local.get $a i32.const 25 i32.rotr i32.xor i32.add local.get $c local.get $a local.get $b local.get $c i32.xor i32.and i32.xor i32.add i32.const 0x3956c25b i32.add local.get $w4 i32.add local.set $t1
        local.get $h local.get $t1 i32.add local.set $h
        local.get $t1 local.get $e i32.const 2 i32.rotr local.get $e i32.const 13 i32.rotr i32.xor local.get $e i32.const 22 i32.rotr i32.xor i32.add local.get $e local.get $f i32.and local.get $g local.get $e local.get $f i32.or i32.and i32.or i32.add local.set $d
        ;; round 5: a..h are $d $e $f $g $h $a $b $c
        local.get $input i32.load offset=20 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w5
        local.get $c local.get $h i32.const 6 i32.rotr local.get $h i32.const 11 i32.rotr i32.xor local.get $h i32.const 25 i32.rotr i32.xor i32.add local.get $b local.get $h local.get $a local.get $b i32.xor i32.and i32.xor i32.add i32.const 0x59f111f1 i32.add local.get $w5 i32.add local.set $t1
        local.get $g local.get $t1 i32.add local.set $g
        local.get $t1 local.get $d i32.const 2 i32.rotr local.get $d i32.const 13 i32.rotr i32.xor local.get $d i32.const 22 i32.rotr i32.xor i32.add local.get $d local.get $e i32.and local.get $f local.get $d local.get $e i32.or i32.and i32.or i32.add local.set $c
        ;; round 6: a..h are $c $d $e $f $g $h $a $b
        local.get $input i32.load offset=24 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w6
        local.get $b local.get $g i32.const 6 i32.rotr local.get $g i32.const 11 i32.rotr i32.xor local.get $g i32.const 25 i32.rotr i32.xor i32.add local.get $a local.get $g local.get $h local.get $a i32.xor i32.and i32.xor i32.add i32.const 0x923f82a4 i32.add local.get $w6 i32.add local.set $t1
        local.get $f local.get $t1 i32.add local.set $f
        local.get $t1 local.get $c i32.const 2 i32.rotr local.get $c i32.const 13 i32.rotr i32.xor local.get $c i32.const 22 i32.rotr i32.xor i32.add local.get $c local.get $d i32.and local.get $e local.get $c local.get $d i32.or i32.and i32.or i32.add local.set $b
        ;; round 7: a..h are $b $c $d $e $f $g $h $a
        local.get $input i32.load offset=28 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w7
        local.get $a local.get $f i32.const 6 i32.rotr local.get $f i32.const 11 i32.rotr i32.xor local.get $f i32.const 25 i32.rotr i32.xor i32.add local.get $h local.get $f local.get $g local.get $h i32.xor i32.and i32.xor i32.add i32.const 0xab1c5ed5 i32.add local.get $w7 i32.add local.set $t1
        local.get $e local.get $t1 i32.add local.set $e
        local.get $t1 local.get $b i32.const 2 i32.rotr local.get $b i32.const 13 i32.rotr i32.xor local.get $b i32.const 22 i32.rotr i32.xor i32.add local.get $b local.get $c i32.and local.get $d local.get $b local.get $c i32.or i32.and i32.or i32.add local.set $a
        ;; round 8: a..h are $a $b $c $d $e $f $g $h
        local.get $input i32.load offset=32 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w8
        local.get $h local.get $e i32.const 6 i32.rotr local.get $e i32.const 11 i32.rotr i32.xor local.get $e i32.const 25 i32.rotr i32.xor i32.add local.get $g local.get $e local.get $f local.get $g i32.xor i32.and i32.xor i32.add i32.const 0xd807aa98 i32.add local.get $w8 i32.add local.set $t1
        local.get $d local.get $t1 i32.add local.set $d
        local.get $t1 local.get $a i32.const 2 i32.rotr local.get $a i32.const 13 i32.rotr i32.xor local.get $a i32.const 22 i32.rotr i32.xor i32.add local.get $a local.get $b i32.and local.get $c local.get $a local.get $b i32.or i32.and i32.or i32.add local.set $h
        ;; round 9: a..h are $h $a $b $c $d $e $f $g
        local.get $input i32.load offset=36 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w9
        local.get $g local.get $d i32.const 6 i32.rotr local.get $d i32.const 11 i32.rotr i32.xor local.get $d i32.const 25 i32.rotr i32.xor i32.add local.get $f local.get $d local.get $e local.get $f i32.xor i32.and i32.xor i32.add i32.const 0x12835b01 i32.add local.get $w9 i32.add local.set $t1
        local.get $c local.get $t1 i32.add local.set $c
        local.get $t1 local.get $h i32.const 2 i32.rotr local.get $h i32.const 13 i32.rotr i32.xor local.get $h i32.const 22 i32.rotr i32.xor i32.add local.get $h local.get $a i32.and local.get $b local.get $h local.get $a i32.or i32.and i32.or i32.add local.set $g
        ;; round 10: a..h are $g $h $a $b $c $d $e $f
        local.get $input i32.load offset=40 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w10
        local.get $f local.get $c i32.const 6 i32.rotr local.get $c i32.const 11 i32.rotr i32.xor local.get $c i32.const 25 i32.rotr i32.xor i32.add local.get $e local.get $c local.get $d local.get $e i32.xor i32.and i32.xor i32.add i32.const 0x243185be i32.add local.get $w10 i32.add local.set $t1
        local.get $b local.get $t1 i32.add local.set $b
        local.get $t1 local.get $g i32.const 2 i32.rotr local.get $g i32.const 13 i32.rotr i32.xor local.get $g i32.const 22 i32.rotr i32.xor i32.add local.get $g local.get $h i32.and local.get $a local.get $g local.get $h i32.or i32.and i32.or i32.add local.set $f
        ;; round 11: a..h are $f $g $h $a $b $c $d $e
        local.get $input i32.load offset=44 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w11
        local.get $e local.get $b i32.const 6 i32.rotr local.get $b i32.const 11 i32.rotr i32.xor local.get $b i32.const 25 i32.rotr i32.xor i32.add local.get $d local.get $b local.get $c local.get $d i32.xor i32.and i32.xor i32.add i32.const 0x550c7dc3 i32.add local.get $w11 i32.add local.set $t1
        local.get $a local.get $t1 i32.add local.set $a
        local.get $t1 local.get $f i32.const 2 i32.rotr local.get $f i32.const 13 i32.rotr i32.xor local.get $f i32.const 22 i32.rotr i32.xor i32.add local.get $f local.get $g i32.and local.get $h local.get $f local.get $g i32.or i32.and i32.or i32.add local.set $e
        ;; round 12: a..h are $e $f $g $h $a $b $c $d
        local.get $input i32.load offset=48 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w12
        local.get $d local.get $a i32.const 6 i32.rotr local.get $a i32.const 11 i32.rotr i32.xor local.get $a i32.const 25 i32.rotr i32.xor i32.add local.get $c local.get $a local.get $b local.get $c i32.xor i32.and i32.xor i32.add i32.const 0x72be5d74 i32.add local.get $w12 i32.add local.set $t1
        local.get $h local.get $t1 i32.add local.set $h
        local.get $t1 local.get $e i32.const 2 i32.rotr local.get $e i32.const 13 i32.rotr i32.xor local.get $e i32.const 22 i32.rotr i32.xor i32.add local.get $e local.get $f i32.and local.get $g local.get $e local.get $f i32.or i32.and i32.or i32.add local.set $d
        ;; round 13: a..h are $d $e $f $g $h $a $b $c
        local.get $input i32.load offset=52 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w13
        local.get $c local.get $h i32.const 6 i32.rotr local.get $h i32.const 11 i32.rotr i32.xor local.get $h i32.const 25 i32.rotr i32.xor i32.add local.get $b local.get $h local.get $a local.get $b i32.xor i32.and i32.xor i32.add i32.const 0x80deb1fe i32.add local.get $w13 i32.add local.set $t1
        local.get $g local.get $t1 i32.add local.set $g
        local.get $t1 local.get $d i32.const 2 i32.rotr local.get $d i32.const 13 i32.rotr i32.xor local.get $d i32.const 22 i32.rotr i32.xor i32.add local.get $d local.get $e i32.and local.get $f local.get $d local.get $e i32.or i32.and i32.or i32.add local.set $c
        ;; round 14: a..h are $c $d $e $f $g $h $a $b
        local.get $input i32.load offset=56 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w14
        local.get $b local.get $g i32.const 6 i32.rotr local.get $g i32.const 11 i32.rotr i32.xor local.get $g i32.const 25 i32.rotr i32.xor i32.add local.get $a local.get $g local.get $h local.get $a i32.xor i32.and i32.xor i32.add i32.const 0x9bdc06a7 i32.add local.get $w14 i32.add local.set $t1
        local.get $f local.get $t1 i32.add local.set $f
        local.get $t1 local.get $c i32.const 2 i32.rotr local.get $c i32.const 13 i32.rotr i32.xor local.get $c i32.const 22 i32.rotr i32.xor i32.add local.get $c local.get $d i32.and local.get $e local.get $c local.get $d i32.or i32.and i32.or i32.add local.set $b
        ;; round 15: a..h are $b $c $d $e $f $g $h $a
        local.get $input i32.load offset=60 local.set $x local.get $x i32.const 8 i32.rotl i32.const 0x00ff00ff i32.and local.get $x i32.const 8 i32.rotr i32.const 0xff00ff00 i32.and i32.or local.set $w15
        local.get $a local.get $f i32.const 6 i32.rotr local.get $f i32.const 11 i32.rotr i32.xor local.get $f i32.const 25 i32.rotr i32.xor i32.add local.get $h local.get $f local.get $g local.get $h i32.xor i32.and i32.xor i32.add i32.const 0xc19bf174 i32.add local.get $w15 i32.add local.set $t1
        local.get $e local.get $t1 i32.add local.set $e
        local.get $t1 local.get $b i32.const 2 i32.rotr local.get $b i32.const 13 i32.rotr i32.xor local.get $b i32.const 22 i32.rotr i32.xor i32.add local.get $b local.get $c i32.and local.get $d local.get $b local.get $c i32.or i32.and i32.or i32.add local.set $a
        ;; round 16: a..h are $a $b $c $d $e $f $g $h
        local.get $w14 i32.const 17 i32.rotr local.get $w14 i32.const 19 i32.rotr i32.xor local.get $w14 i32.const 10 i32.shr_u i32.xor local.get $w9 i32.add local.get $w1 i32.const 7 i32.rotr local.get $w1 i32.const 18 i32.rotr i32.xor local.get $w1 i32.const 3 i32.shr_u i32.xor i32.add local.get $w0 i32.add local.set $w0
        local.get $h local.get $e i32.const 6 i32.rotr local.get $e i32.const 11 i32.rotr i32.xor local.get $e i32.const 25 i32.rotr i32.xor i32.add local.get $g local.get $e local.get $f local.get $g i32.xor i32.and i32.xor i32.add i32.const 0xe49b69c1 i32.add local.get $w0 i32.add local.set $t1
        local.get $d local.get $t1 i32.add local.set $d
        local.get $t1 local.get $a i32.const 2 i32.rotr local.get $a i32.const 13 i32.rotr i32.xor local.get $a i32.const 22 i32.rotr i32.xor i32.add local.get $a local.get $b i32.and local.get $c local.get $a local.get $b i32.or i32.and i32.or i32.add local.set $h
        ;; round 17: a..h are $h $a $b $c $d $e $f $g
        local.get $w15 i32.const 17 i32.rotr local.get $w15 i32.const 19 i32.rotr i32.xor local.get $w15 i32.const 10 i32.shr_u i32.xor local.get $w10 i32.add local.get $w2 i32.const 7 i32.rotr local.get $w2 i32.const 18 i32.rotr i32.xor local.get $w2 i32.const 3 i32.shr_u i32.xor i32.add local.get $w1 i32.add local.set $w1
        local.get $g local.get $d i32.const 6 i32.rotr local.get $d i32.const 11 i32.rotr i32.xor local.get $d i32.const 25 i32.rotr i32.xor i32.add local.get $f local.get $d local.get $e local.get $f i32.xor i32.and i32.xor i32.add i32.const 0xefbe4786 i32.add local.get $w1 i32.add local.set $t1
        local.get $c local.get $t1 i32.add local.set $c
        local.get $t1 local.get $h i32.const 2 i32.rotr local.get $h i32.const 13 i32.rotr i32.xor local.get $h i32.const 22 i32.rotr i32.xor i32.add local.get $h local.get $a i32.and local.get $b local.get $h local.get $a i32.or i32.and i32.or i32.add local.set $g
        ;; round 18: a..h are $g $h $a $b $c $d $e $f
        local.get $w0 i32.const 17 i32.rotr local.get $w0 i32.const 19 i32.rotr i32.xor local.get $w0 i32.const 10 i32.shr_u i32.xor local.get $w11 i32.add local.get $w3 i32.const 7 i32.rotr local.get $w3 i32.const 18 i32.rotr i32.xor local.get $w3 i32.const 3 i32.shr_u i32.xor i32.add local.get $w2 i32.add local.set $w2
        local.get $f local.get $c i32.const 6 i32.rotr local.get $c i32.const 11 i32.rotr i32.xor local.get $c i32.const 25 i32.rotr i32.xor i32.add local.get $e local.get $c local.get $d local.get $e i32.xor i32.and i32.xor i32.add i32.const 0x0fc19dc6 i32.add local.get $w2 i32.add local.set $t1
        local.get $b local.get $t1 i32.add local.set $b
        local.get $t1 local.get $g i32.const 2 i32.rotr local.get $g i32.const 13 i32.rotr i32.xor local.get $g i32.const 22 i32.rotr i32.xor i32.add local.get $g local.get $h i32.and local.get $a local.get $g local.get $h i32.or i32.and i32.or i32.add local.set $f
        ;; round 19: a..h are $f $g $h $a $b $c $d $e
        local.get $w1 i32.const 17 i32.rotr local.get $w1 i32.const 19 i32.rotr i32.xor local.get $w1 i32.const 10 i32.shr_u i32.xor local.get $w12 i32.add local.get $w4 i32.const 7 i32.rotr local.get $w4 i32.const 18 i32.rotr i32.xor local.get $w4 i32.const 3 i32.shr_u i32.xor i32.add local.get $w3 i32.add local.set $w3
        local.get $e local.get $b i32.const 6 i32.rotr local.get $b i32.const 11 i32.rotr i32.xor local.get $b i32.const 25 i32.rotr i32.xor i32.add local.get $d local.get $b local.get $c local.get $d i32.xor i32.and i32.xor i32.add i32.const 0x240ca1cc i32.add local.get $w3 i32.add local.set $t1
        local.get $a local.get $t1 i32.add local.set $a
        local.get $t1 local.get $f i32.const 2 i32.rotr local.get $f i32.const 13 i32.rotr i32.xor local.get $f i32.const 22 i32.rotr i32.xor i32.add local.get $f local.get $g i32.and local.get $h local.get $f local.get $g i32.or i32.and i32.or i32.add local.set $e
        ;; round 20: a..h are $e $f $g $h $a $b $c $d
        local.get $w2 i32.const 17 i32.rotr local.get $w2 i32.const 19 i32.rotr i32.xor local.get $w2 i32.const 10 i32.shr_u i32.xor local.get $w13 i32.add local.get $w5 i32.const 7 i32.rotr local.get $w5 i32.const 18 i32.rotr i32.xor local.get $w5 i32.const 3 i32.shr_u i32.xor i32.add local.get $w4 i32.add local.set $w4
        local.get $d local.get $a i32.const 6 i32.rotr local.get $a i32.const 11 i32.rotr i32.xor local.get $a i32.const 25 i32.rotr i32.xor i32.add local.get $c local.get $a local.get $b local.get $c i32.xor i32.and i32.xor i32.add i32.const 0x2de92c6f i32.add local.get $w4 i32.add local.set $t1
        local.get $h local.get $t1 i32.add local.set $h
        local.get $t1 local.get $e i32.const 2 i32.rotr local.get $e i32.const 13 i32.rotr i32.xor local.get $e i32.const 22 i32.rotr i32.xor i32.add local.get $e local.get $f i32.and local.get $g local.get $e local.get $f i32.or i32.and i32.or i32.add local.set $d
        ;; round 21: a..h are $d $e $f $g $h $a $b $c
        local.get $w3 i32.const 17 i32.rotr local.get $w3 i32.const 19 i32.rotr i32.xor local.get $w3 i32.const 10 i32.shr_u i32.xor local.get $w14 i32.add local.get $w6 i32.const 7 i32.rotr local.get $w6 i32.const 18 i32.rotr i32.xor local.get $w6 i32.const 3 i32.shr_u i32.xor i32.add local.get $w5 i32.add local.set $w5
        local.get $c local.get $h i32.const 6 i32.rotr local.get $h i32.const 11 i32.rotr i32.xor local.get $h i32.const 25 i32.rotr i32.xor i32.add local.get $b local.get $h local.get $a local.get $b i32.xor i32.and i32.xor i32.add i32.const 0x4a7484aa i32.add local.get $w5 i32.add local.set $t1
        local.get $g local.get $t1 i32.add local.set $g
        local.get $t1 local.get $d i32.const 2 i32.rotr local.get $d i32.const 13 i32.rotr i32.xor local.get $d i32.const 22 i32.rotr i32.xor i32.add local.get $d local.get $e i32.and local.get $f local.get $d local.get $e i32.or i32.and i32.or i32.add local.set $c
        ;; round 22: a..h are $c $d $e $f $g $h $a $b
        local.get $w4 i32.const 17 i32.rotr local.get $w4 i32.const 19 i32.rotr i32.xor local.get $w4 i32.const 10 i32.shr_u i32.xor local.get $w15 i32.add local.get $w7 i32.const 7 i32.rotr local.get $w7 i32.const 18 i32.rotr i32.xor local.get $w7 i32.const 3 i32.shr_u i32.xor i32.add local.get $w6 i32.add local.set $w6
        local.get $b local.get $g i32.const 6 i32.rotr local.get $g i32.const 11 i32.rotr i32.xor local.get $g i32.const 25 i32.rotr i32.xor i32.add local.get $a local.get $g local.get $h local.get $a i32.xor i32.and i32.xor i32.add i32.const 0x5cb0a9dc i32.add local.get $w6 i32.add local.set $t1
        local.get $f local.get $t1 i32.add local.set $f
        local.get $t1 local.get $c i32.const 2 i32.rotr local.get $c i32.const 13 i32.rotr i32.xor local.get $c i32.const 22 i32.rotr i32.xor i32.add local.get $c local.get $d i32.and local.get $e local.get $c local.get $d i32.or i32.and i32.or i32.add local.set $b
        ;; round 23: a..h are $b $c $d $e $f $g $h $a
        local.get $w5 i32.const 17 i32.rotr local.get $w5 i32.const 19 i32.rotr i32.xor local.get $w5 i32.const 10 i32.shr_u i32.xor local.get $w0 i32.add local.get $w8 i32.const 7 i32.rotr local.get $w8 i32.const 18 i32.rotr i32.xor local.get $w8 i32.const 3 i32.shr_u i32.xor i32.add local.get $w7 i32.add local.set $w7
        local.get $a local.get $f i32.const 6 i32.rotr local.get $f i32.const 11 i32.rotr i32.xor local.get $f i32.const 25 i32.rotr i32.xor i32.add local.get $h local.get $f local.get $g local.get $h i32.xor i32.and i32.xor i32.add i32.const 0x76f988da i32.add local.get $w7 i32.add local.set $t1
        local.get $e local.get $t1 i32.add local.set $e
        local.get $t1 local.get $b i32.const 2 i32.rotr local.get $b i32.const 13 i32.rotr i32.xor local.get $b i32.const 22 i32.rotr i32.xor i32.add local.get $b local.get $c i32.and local.get $d local.get $b local.get $c i32.or i32.and i32.or i32.add local.set $a
        ;; round 24: a..h are $a $b $c $d $e $f $g $h
        local.get $w6 i32.const 17 i32.rotr local.get $w6 i32.const 19 i32.rotr i32.xor local.get $w6 i32.const 10 i32.shr_u i32.xor local.get $w1 i32.add local.get $w9 i32.const 7 i32.rotr local.get $w9 i32.const 18 i32.rotr i32.xor local.get $w9 i32.const 3 i32.shr_u i32.xor i32.add local.get $w8 i32.add local.set $w8
        local.get $h local.get $e i32.const 6 i32.rotr local.get $e i32.const 11 i32.rotr i32.xor local.get $e i32.const 25 i32.rotr i32.xor i32.add local.get $g local.get $e local.get $f local.get $g i32.xor i32.and i32.xor i32.add i32.const 0x983e5152 i32.add local.get $w8 i32.add local.set $t1
        local.get $d local.get $t1 i32.add local.set $d
        local.get $t1 local.get $a i32.const 2 i32.rotr local.get $a i32.const 13 i32.rotr i32.xor local.get $a i32.const 22 i32.rotr i32.xor i32.add local.get $a local.get $b i32.and local.get $c local.get $a local.get $b i32.or i32.and i32.or i32.add local.set $h
        ;; round 25: a..h are $h $a $b $c $d $e $f $g
        local.get $w7 i32.const 17 i32.rotr local.get $w7 i32.const 19 i32.rotr i32.xor local.get $w7 i32.const 10 i32.shr_u i32.xor local.get $w2 i32.add local.get $w10 i32.const 7 i32.rotr local.get $w10 i32.const 18 i32.rotr i32.xor local.get $w10 i32.const 3 i32.shr_u i32.xor i32.add local.get $w9 i32.add local.set $w9
        local.get $g local.get $d i32.const 6 i32.rotr local.get $d i32.const 11 i32.rotr i32.xor local.get $d i32.const 25 i32.rotr i32.xor i32.add local.get $f local.get $d local.get $e local.get $f i32.xor i32.and i32.xor i32.add i32.const 0xa831c66d i32.add local.get $w9 i32.add local.set $t1
        local.get $c local.get $t1 i32.add local.set $c
        local.get $t1 local.get $h i32.const 2 i32.rotr local.get $h i32.const 13 i32.rotr i32.xor local.get $h i32.const 22 i32.rotr i32.xor i32.add local.get $h local.get $a i32.and local.get $b local.get $h local.get $a i32.or i32.and i32.or i32.add local.set $g
        ;; round 26: a..h are $g $h $a $b $c $d $e $f
        local.get $w8 i32.const 17 i32.rotr local.get $w8 i32.const 19 i32.rotr i32.xor local.get $w8 i32.const 10 i32.shr_u i32.xor local.get $w3 i32.add local.get $w11 i32.const 7 i32.rotr local.get $w11 i32.const 18 i32.rotr i32.xor local.get $w11 i32.const 3 i32.shr_u i32.xor i32.add local.get $w10 i32.add local.set $w10
        local.get $f local.get $c i32.const 6 i32.rotr local.get $c i32.const 11 i32.rotr i32.xor local.get $c i32.const 25 i32.rotr i32.xor i32.add local.get $e local.get $c local.get $d local.get $e i32.xor i32.and i32.xor i32.add i32.const 0xb00327c8 i32.add local.get $w10 i32.add local.set $t1
        local.get $b local.get $t1 i32.add local.set $b
        local.get $t1 local.get $g i32.const 2 i32.rotr local.get $g i32.const 13 i32.rotr i32.xor local.get $g i32.const 22 i32.rotr i32.xor i32.add local.get $g local.get $h i32.and local.get $a local.get $g local.get $h i32.or i32.and i32.or i32.add local.set $f
        ;; round 27: a..h are $f $g $h $a $b $c $d $e
        local.get $w9 i32.const 17 i32.rotr local.get $w9 i32.const 19 i32.rotr i32.xor local.get $w9 i32.const 10 i32.shr_u i32.xor local.get $w4 i32.add local.get $w12 i32.const 7 i32.rotr local.get $w12 i32.const 18 i32.rotr i32.xor local.get $w12 i32.const 3 i32.shr_u i32.xor i32.add local.get $w11 i32.add local.set $w11
        local.get $e local.get $b i32.const 6 i32.rotr local.get $b i32.const 11 i32.rotr i32.xor local.get $b i32.const 25 i32.rotr i32.xor i32.add local.get $d local.get $b local.get $c local.get $d i32.xor i32.and i32.xor i32.add i32.const 0xbf597fc7 i32.add local.get $w11 i32.add local.set $t1
        local.get $a local.get $t1 i32.add local.set $a
        local.get $t1 local.get $f i32.const 2 i32.rotr local.get $f i32.const 13 i32.rotr i32.xor local.get $f i32.const 22 i32.rotr i32.xor i32.add local.get $f local.get $g i32.and local.get $h local.get $f local.get $g i32.or i32.and i32.or i32.add local.set $e
        ;; round 28: a..h are $e $f $g $h $a $b $c $d
        local.get $w10 i32.const 17 i32.rotr local.get $w10 i32.const 19 i32.rotr i32.xor local.get $w10 i32.const 10 i32.shr_u i32.xor local.get $w5 i32.add local.get $w13 i32.const 7 i32.rotr local.get $w13 i32.const 18 i32.rotr i32.xor local.get $w13 i32.const 3 i32.shr_u i32.xor i32.add local.get $w12 i32.add local.set $w12
        local.get $d local.get $a i32.const 6 i32.rotr local.get $a i32.const 11 i32.rotr i32.xor local.get $a i32.const 25 i32.rotr i32.xor i32.add local.get $c local.get $a local.get $b local.get $c i32.xor i32.and i32.xor i32.add i32.const 0xc6e00bf3 i32.add local.get $w12 i32.add local.set $t1
        local.get $h local.get $t1 i32.add local.set $h
        local.get $t1 local.get $e i32.const 2 i32.rotr local.get $e i32.const 13 i32.rotr i32.xor local.get $e i32.const 22 i32.rotr i32.xor i32.add local.get $e local.get $f i32.and local.get $g local.get $e local.get $f i32.or i32.and i32.or i32.add local.set $d
        ;; round 29: a..h are $d $e $f $g $h $a $b $c
        local.get $w11 i32.const 17 i32.rotr local.get $w11 i32.const 19 i32.rotr i32.xor local.get $w11 i32.const 10 i32.shr_u i32.xor local.get $w6 i32.add local.get $w14 i32.const 7 i32.rotr local.get $w14 i32.const 18 i32.rotr i32.xor local.get $w14 i32.const 3 i32.shr_u i32.xor i32.add local.get $w13 i32.add local.set $w13
        local.get $c local.get $h i32.const 6 i32.rotr local.get $h i32.const 11 i32.rotr i32.xor local.get $h i32.const 25 i32.rotr i32.xor i32.add local.get $b local.get $h local.get $a local.get $b i32.xor i32.and i32.xor i32.add i32.const 0xd5a79147 i32.add local.get $w13 i32.add local.set $t1
        local.get $g local.get $t1 i32.add local.set $g
        local.get $t1 local.get $d i32.const 2 i32.rotr local.get $d i32.const 13 i32.rotr i32.xor local.get $d i32.const 22 i32.rotr i32.xor i32.add local.get $d local.get $e i32.and local.get $f local.get $d local.get $e i32.or i32.and i32.or i32.add local.set $c
        ;; round 30: a..h are $c $d $e $f $g $h $a $b
        local.get $w12 i32.const 17 i32.rotr local.get $w12 i32.const 19 i32.rotr i32.xor local.get $w12 i32.const 10 i32.shr_u i32.xor local.get $w7 i32.add local.get $w15 i32.const 7 i32.rotr local.get $w15 i32.const 18 i32.rotr i32.xor local.get $w15 i32.const 3 i32.shr_u i32.xor i32.add local.get $w14 i32.add local.set $w14
        local.get $b local.get $g i32.const 6 i32.rotr local.get $g i32.const 11 i32.rotr i32.xor local.get $g i32.const 25 i32.rotr i32.xor i32.add local.get $a local.get $g local.get $h local.get $a i32.xor i32.and i32.xor i32.add i32.const 0x06ca6351 i32.add local.get $w14 i32.add local.set $t1
        local.get $f local.get $t1 i32.add local.set $f
        local.get $t1 local.get $c i32.const 2 i32.rotr local.get $c i32.const 13 i32.rotr i32.xor local.get $c i32.const 22 i32.rotr i32.xor i32.add local.get $c local.get $d i32.and local.get $e local.get $c local.get $d i32.or i32.and i32.or i32.add local.set $b
        ;; round 31: a..h are $b $c $d $e $f $g $h $a
        local.get $w13 i32.const 17 i32.rotr local.get $w13 i32.const 19 i32.rotr i32.xor local.get $w13 i32.const 10 i32.shr_u i32.xor local.get $w8 i32.add local.get $w0 i32.const 7 i32.rotr local.get $w0 i32.const 18 i32.rotr i32.xor local.get $w0 i32.const 3 i32.shr_u i32.xor i32.add local.get $w15 i32.add local.set $w15
        local.get $a local.get $f i32.const 6 i32.rotr local.get $f i32.const 11 i32.rotr i32.xor local.get $f i32.const 25 i32.rotr i32.xor i32.add local.get $h local.get $f local.get $g local.get $h i32.xor i32.and i32.xor i32.add i32.const 0x14292967 i32.add local.get $w15 i32.add local.set $t1
        local.get $e local.get $t1 i32.add local.set $e
        local.get $t1 local.get $b i32.const 2 i32.rotr local.get $b i32.const 13 i32.rotr i32.xor local.get $b i32.const 22 i32.rotr i32.xor i32.add local.get $b local.get $c i32.and local.get $d local.get $b local.get $c i32.or i32.and i32.or i32.add local.set $a
        ;; round 32: a..h are $a $b $c $d $e $f $g $h
        local.get $w14 i32.const 17 i32.rotr local.get $w14 i32.const 19 i32.rotr i32.xor local.get $w14 i32.const 10 i32.shr_u i32.xor local.get $w9 i32.add local.get $w1 i32.const 7 i32.rotr local.get $w1 i32.const 18 i32.rotr i32.xor local.get $w1 i32.const 3 i32.shr_u i32.xor i32.add local.get $w0 i32.add local.set $w0
        local.get $h local.get $e i32.const 6 i32.rotr local.get $e i32.const 11 i32.rotr i32.xor local.get $e i32.const 25 i32.rotr i32.xor i32.add local.get $g local.get $e local.get $f local.get $g i32.xor i32.and i32.xor i32.add i32.const 0x27b70a85 i32.add local.get $w0 i32.add local.set $t1
        local.get $d local.get $t1 i32.add local.set $d
        local.get $t1 local.get $a i32.const 2 i32.rotr local.get $a i32.const 13 i32.rotr i32.xor local.get $a i32.const 22 i32.rotr i32.xor i32.add local.get $a local.get $b i32.and local.get $c local.get $a local.get $b i32.or i32.and i32.or i32.add local.set $h
        ;; round 33: a..h are $h $a $b $c $d $e $f $g
        local.get $w15 i32.const 17 i32.rotr local.get $w15 i32.const 19 i32.rotr i32.xor local.get $w15 i32.const 10 i32.shr_u i32.xor local.get $w10 i32.add local.get $w2 i32.const 7 i32.rotr local.get $w2 i32.const 18 i32.rotr i32.xor local.get $w2 i32.const 3 i32.shr_u i32.xor i32.add local.get $w1 i32.add local.set $w1
        local.get $g local.get $d i32.const 6 i32.rotr local.get $d i32.const 11 i32.rotr i32.xor local.get $d i32.const 25 i32.rotr i32.xor i32.add local.get $f local.get $d local.get $e local.get $f i32.xor i32.and i32.xor i32.add i32.const 0x2e1b2138 i32.add local.get $w1 i32.add local.set $t1
        local.get $c local.get $t1 i32.add local.set $c
        local.get $t1 local.get $h i32.const 2 i32.rotr local.get $h i32.const 13 i32.rotr i32.xor local.get $h i32.const 22 i32.rotr i32.xor i32.add local.get $h local.get $a i32.and local.get $b local.get $h local.get $a i32.or i32.and i32.or i32.add local.set $g
        ;; round 34: a..h are $g $h $a $b $c $d $e $f
        local.get $w0 i32.const 17 i32.rotr local.get $w0 i32.const 19 i32.rotr i32.xor local.get $w0 i32.const 10 i32.shr_u i32.xor local.get $w11 i32.add local.get $w3 i32.const 7 i32.rotr local.get $w3 i32.const 18 i32.rotr i32.xor local.get $w3 i32.const 3 i32.shr_u i32.xor i32.add local.get $w2 i32.add local.set $w2
        local.get $f local.get $c i32.const 6 i32.rotr local.get $c i32.const 11 i32.rotr i32.xor local.get $c i32.const 25 i32.rotr i32.xor i32.add local.get $e local.get $c local.get $d local.get $e i32.xor i32.and i32.xor i32.add i32.const 0x4d2c6dfc i32.add local.get $w2 i32.add local.set $t1
        local.get $b local.get $t1 i32.add local.set $b
        local.get $t1 local.get $g i32.const 2 i32.rotr local.get $g i32.const 13 i32.rotr i32.xor local.get $g i32.const 22 i32.rotr i32.xor i32.add local.get $g local.get $h i32.and local.get $a local.get $g local.get $h i32.or i32.and i32.or i32.add local.set $f
        ;; round 35: a..h are $f $g $h $a $b $c $d $e
        local.get $w1 i32.const 17 i32.rotr local.get $w1 i32.const 19 i32.rotr i32.xor local.get $w1 i32.const 10 i32.shr_u i32.xor local.get $w12 i32.add local.get $w4 i32.const 7 i32.rotr local.get $w4 i32.const 18 i32.rotr i32.xor local.get $w4 i32.const 3 i32.shr_u i32.xor i32.add local.get $w3 i32.add local.set $w3
        local.get $e local.get $b i32.const 6 i32.rotr local.get $b i32.const 11 i32.rotr i32.xor local.get $b i32.const 25 i32.rotr i32.xor i32.add local.get $d local.get $b local.get $c local.get $d i32.xor i32.and i32.xor i32.add i32.const 0x53380d13 i32.add local.get $w3 i32.add local.set $t1
        local.get $a local.get $t1 i32.add local.set $a
        local.get $t1 local.get $f i32.const 2 i32.rotr local.get $f i32.const 13 i32.rotr i32.xor local.get $f i32.const 22 i32.rotr i32.xor i32.add local.get $f local.get $g i32.and local.get $h local.get $f local.get $g i32.or i32.and i32.or i32.add local.set $e
        ;; round 36: a..h are $e $f $g $h $a $b $c $d
        local.get $w2 i32.const 17 i32.rotr local.get $w2 i32.const 19 i32.rotr i32.xor local.get $w2 i32.const 10 i32.shr_u i32.xor local.get $w13 i32.add local.get $w5 i32.const 7 i32.rotr local.get $w5 i32.const 18 i32.rotr i32.xor local.get $w5 i32.const 3 i32.shr_u i32.xor i32.add local.get $w4 i32.add local.set $w4
        local.get $d local.get $a i32.const 6 i32.rotr local.get $a i32.const 11 i32.rotr i32.xor local.get $a i32.const 25 i32.rotr i32.xor i32.add local.get $c local.get $a local.get $b local.get $c i32.xor i32.and i32.xor i32.add i32.const 0x650a7354 i32.add local.get $w4 i32.add local.set $t1
        local.get $h local.get $t1 i32.add local.set $h
        local.get $t1 local.get $e i32.const 2 i32.rotr local.get $e i32.const 13 i32.rotr i32.xor local.get $e i32.const 22 i32.rotr i32.xor i32.add local.get $e local.get $f i32.and local.get $g local.get $e local.get $f i32.or i32.and i32.or i32.add local.set $d
        ;; round 37: a..h are $d $e $f $g $h $a $b $c
        local.get $w3 i32.const 17 i32.rotr local.get $w3 i32.const 19 i32.rotr i32.xor local.get $w3 i32.const 10 i32.shr_u i32.xor local.get $w14 i32.add local.get $w6 i32.const 7 i32.rotr local.get $w6 i32.const 18 i32.rotr i32.xor local.get $w6 i32.const 3 i32.shr_u i32.xor i32.add local.get $w5 i32.add local.set $w5
        local.get $c local.get $h i32.const 6 i32.rotr local.get $h i32.const 11 i32.rotr i32.xor local.get $h i32.const 25 i32.rotr i32.xor i32.add local.get $b local.get $h local.get $a local.get $b i32.xor i32.and i32.xor i32.add i32.const 0x766a0abb i32.add local.get $w5 i32.add local.set $t1
        local.get $g local.get $t1 i32.add local.set $g
        local.get $t1 local.get $d i32.const 2 i32.rotr local.get $d i32.const 13 i32.rotr i32.xor local.get $d i32.const 22 i32.rotr i32.xor i32.add local.get $d local.get $e i32.and local.get $f local.get $d local.get $e i32.or i32.and i32.or i32.add local.set $c
        ;; round 38: a..h are $c $d $e $f $g $h $a $b
        local.get $w4 i32.const 17 i32.rotr local.get $w4 i32.const 19 i32.rotr i32.xor local.get $w4 i32.const 10 i32.shr_u i32.xor local.get $w15 i32.add local.get $w7 i32.const 7 i32.rotr local.get $w7 i32.const 18 i32.rotr i32.xor local.get $w7 i32.const 3 i32.shr_u i32.xor i32.add local.get $w6 i32.add local.set $w6
        local.get $b local.get $g i32.const 6 i32.rotr local.get $g i32.const 11 i32.rotr i32.xor local.get $g i32.const 25 i32.rotr i32.xor i32.add local.get $a local.get $g local.get $h local.get $a i32.xor i32.and i32.xor i32.add i32.const 0x81c2c92e i32.add local.get $w6 i32.add local.set $t1
        local.get $f local.get $t1 i32.add local.set $f
        local.get $t1 local.get $c i32.const 2 i32.rotr local.get $c i32.const 13 i32.rotr i32.xor local.get $c i32.const 22 i32.rotr i32.xor i32.add local.get $c local.get $d i32.and local.get $e local.get $c local.get $d i32.or i32.and i32.or i32.add local.set $b
        ;; round 39: a..h are $b $c $d $e $f $g $h $a
        local.get $w5 i32.const 17 i32.rotr local.get $w5 i32.const 19 i32.rotr i32.xor local.get $w5 i32.const 10 i32.shr_u i32.xor local.get $w0 i32.add local.get $w8 i32.const 7 i32.rotr local.get $w8 i32.const 18 i32.rotr i32.xor local.get $w8 i32.const 3 i32.shr_u i32.xor i32.add local.get $w7 i32.add local.set $w7
        local.get $a local.get $f i32.const 6 i32.rotr local.get $f i32.const 11 i32.rotr i32.xor local.get $f i32.const 25 i32.rotr i32.xor i32.add local.get $h local.get $f local.get $g local.get $h i32.xor i32.and i32.xor i32.add i32.const 0x92722c85 i32.add local.get $w7 i32.add local.set $t1
        local.get $e local.get $t1 i32.add local.set $e
        local.get $t1 local.get $b i32.const 2 i32.rotr local.get $b i32.const 13 i32.rotr i32.xor local.get $b i32.const 22 i32.rotr i32.xor i32.add local.get $b local.get $c i32.and local.get $d local.get $b local.get $c i32.or i32.and i32.or i32.add local.set $a
        ;; round 40: a..h are $a $b $c $d $e $f $g $h
        local.get $w6 i32.const 17 i32.rotr local.get $w6 i32.const 19 i32.rotr i32.xor local.get $w6 i32.const 10 i32.shr_u i32.xor local.get $w1 i32.add local.get $w9 i32.const 7 i32.rotr local.get $w9 i32.const 18 i32.rotr i32.xor local.get $w9 i32.const 3 i32.shr_u i32.xor i32.add local.get $w8 i32.add local.set $w8
        local.get $h local.get $e i32.const 6 i32.rotr local.get $e i32.const 11 i32.rotr i32.xor local.get $e i32.const 25 i32.rotr i32.xor i32.add local.get $g local.get $e local.get $f local.get $g i32.xor i32.and i32.xor i32.add i32.const 0xa2bfe8a1 i32.add local.get $w8 i32.add local.set $t1
        local.get $d local.get $t1 i32.add local.set $d
        local.get $t1 local.get $a i32.const 2 i32.rotr local.get $a i32.const 13 i32.rotr i32.xor local.get $a i32.const 22 i32.rotr i32.xor i32.add local.get $a local.get $b i32.and local.get $c local.get $a local.get $b i32.or i32.and i32.or i32.add local.set $h
        ;; round 41: a..h are $h $a $b $c $d $e $f $g
        local.get $w7 i32.const 17 i32.rotr local.get $w7 i32.const 19 i32.rotr i32.xor local.get $w7 i32.const 10 i32.shr_u i32.xor local.get $w2 i32.add local.get $w10 i32.const 7 i32.rotr local.get $w10 i32.const 18 i32.rotr i32.xor local.get $w10 i32.const 3 i32.shr_u i32.xor i32.add local.get $w9 i32.add local.set $w9
        local.get $g local.get $d i32.const 6 i32.rotr local.get $d i32.const 11 i32.rotr i32.xor local.get $d i32.const 25 i32.rotr i32.xor i32.add local.get $f local.get $d local.get $e local.get $f i32.xor i32.and i32.xor i32.add i32.const 0xa81a664b i32.add local.get $w9 i32.add local.set $t1
        local.get $c local.get $t1 i32.add local.set $c
        local.get $t1 local.get $h i32.const 2 i32.rotr local.get $h i32.const 13 i32.rotr i32.xor local.get $h i32.const 22 i32.rotr i32.xor i32.add local.get $h local.get $a i32.and local.get $b local.get $h local.get $a i32.or i32.and i32.or i32.add local.set $g
        ;; round 42: a..h are $g $h $a $b $c $d $e $f
        local.get $w8 i32.const 17 i32.rotr local.get $w8 i32.const 19 i32.rotr i32.xor local.get $w8 i32.const 10 i32.shr_u i32.xor local.get $w3 i32.add local.get $w11 i32.const 7 i32.rotr local.get $w11 i32.const 18 i32.rotr i32.xor local.get $w11 i32.const 3 i32.shr_u i32.xor i32.add local.get $w10 i32.add local.set $w10
        local.get $f local.get $c i32.const 6 i32.rotr local.get $c i32.const 11 i32.rotr i32.xor local.get $c i32.const 25 i32.rotr i32.xor i32.add local.get $e local.get $c local.get $d local.get $e i32.xor i32.and i32.xor i32.add i32.const 0xc24b8b70 i32.add local.get $w10 i32.add local.set $t1
        local.get $b local.get $t1 i32.add local.set $b
        local.get $t1 local.get $g i32.const 2 i32.rotr local.get $g i32.const 13 i32.rotr i32.xor local.get $g i32.const 22 i32.rotr i32.xor i32.add local.get $g local.get $h i32.and local.get $a local.get $g local.get $h i32.or i32.and i32.or i32.add local.set $f
        ;; round 43: a..h are $f $g $h $a $b $c $d $e
        local.get $w9 i32.const 17 i32.rotr local.get $w9 i32.const 19 i32.rotr i32.xor local.get $w9 i32.const 10 i32.shr_u i32.xor local.get $w4 i32.add local.get $w12 i32.const 7 i32.rotr local.get $w12 i32.const 18 i32.rotr i32.xor local.get $w12 i32.const 3 i32.shr_u i32.xor i32.add local.get $w11 i32.add local.set $w11
        local.get $e local.get $b i32.const 6 i32.rotr local.get $b i32.const 11 i32.rotr i32.xor local.get $b i32.const 25 i32.rotr i32.xor i32.add local.get $d local.get $b local.get $c local.get $d i32.xor i32.and i32.xor i32.add i32.const 0xc76c51a3 i32.add local.get $w11 i32.add local.set $t1
        local.get $a local.get $t1 i32.add local.set $a
        local.get $t1 local.get $f i32.const 2 i32.rotr local.get $f i32.const 13 i32.rotr i32.xor local.get $f i32.const 22 i32.rotr i32.xor i32.add local.get $f local.get $g i32.and local.get $h local.get $f local.get $g i32.or i32.and i32.or i32.add local.set $e
        ;; round 44: a..h are $e $f $g $h $a $b $c $d
        local.get $w10 i32.const 17 i32.rotr local.get $w10 i32.const 19 i32.rotr i32.xor local.get $w10 i32.const 10 i32.shr_u i32.xor local.get $w5 i32.add local.get $w13 i32.const 7 i32.rotr local.get $w13 i32.const 18 i32.rotr i32.xor local.get $w13 i32.const 3 i32.shr_u i32.xor i32.add local.get $w12 i32.add local.set $w12
        local.get $d local.get $a i32.const 6 i32.rotr local.get $a i32.const 11 i32.rotr i32.xor local.get $a i32.const 25 i32.rotr i32.xor i32.add local.get $c local.get $a local.get $b local.get $c i32.xor i32.and i32.xor i32.add i32.const 0xd192e819 i32.add local.get $w12 i32.add local.set $t1
        local.get $h local.get $t1 i32.add local.set $h
        local.get $t1 local.get $e i32.const 2 i32.rotr local.get $e i32.const 13 i32.rotr i32.xor local.get $e i32.const 22 i32.rotr i32.xor i32.add local.get $e local.get $f i32.and local.get $g local.get $e local.get $f i32.or i32.and i32.or i32.add local.set $d
        ;; round 45: a..h are $d $e $f $g $h $a $b $c
        local.get $w11 i32.const 17 i32.rotr local.get $w11 i32.const 19 i32.rotr i32.xor local.get $w11 i32.const 10 i32.shr_u i32.xor local.get $w6 i32.add local.get $w14 i32.const 7 i32.rotr local.get $w14 i32.const 18 i32.rotr i32.xor local.get $w14 i32.const 3 i32.shr_u i32.xor i32.add local.get $w13 i32.add local.set $w13
        local.get $c local.get $h i32.const 6 i32.rotr local.get $h i32.const 11 i32.rotr i32.xor local.get $h i32.const 25 i32.rotr i32.xor i32.add local.get $b local.get $h local.get $a local.get $b i32.xor i32.and i32.xor i32.add i32.const 0xd6990624 i32.add local.get $w13 i32.add local.set $t1
        local.get $g local.get $t1 i32.add local.set $g
        local.get $t1 local.get $d i32.const 2 i32.rotr local.get $d i32.const 13 i32.rotr i32.xor local.get $d i32.const 22 i32.rotr i32.xor i32.add local.get $d local.get $e i32.and local.get $f local.get $d local.get $e i32.or i32.and i32.or i32.add local.set $c
        ;; round 46: a..h are $c $d $e $f $g $h $a $b
        local.get $w12 i32.const 17 i32.rotr local.get $w12 i32.const 19 i32.rotr i32.xor local.get $w12 i32.const 10 i32.shr_u i32.xor local.get $w7 i32.add local.get $w15 i32.const 7 i32.rotr local.get $w15 i32.const 18 i32.rotr i32.xor local.get $w15 i32.const 3 i32.shr_u i32.xor i32.add local.get $w14 i32.add local.set $w14
        local.get $b local.get $g i32.const 6 i32.rotr local.get $g i32.const 11 i32.rotr i32.xor local.get $g i32.const 25 i32.rotr i32.xor i32.add local.get $a local.get $g local.get $h local.get $a i32.xor i32.and i32.xor i32.add i32.const 0xf40e3585 i32.add local.get $w14 i32.add local.set $t1
        local.get $f local.get $t1 i32.add local.set $f
        local.get $t1 local.get $c i32.const 2 i32.rotr local.get $c i32.const 13 i32.rotr i32.xor local.get $c i32.const 22 i32.rotr i32.xor i32.add local.get $c local.get $d i32.and local.get $e local.get $c local.get $d i32.or i32.and i32.or i32.add local.set $b
        ;; round 47: a..h are $b $c $d $e $f $g $h $a
        local.get $w13 i32.const 17 i32.rotr local.get $w13 i32.const 19 i32.rotr i32.xor local.get $w13 i32.const 10 i32.shr_u i32.xor local.get $w8 i32.add local.get $w0 i32.const 7 i32.rotr local.get $w0 i32.const 18 i32.rotr i32.xor local.get $w0 i32.const 3 i32.shr_u i32.xor i32.add local.get $w15 i32.add local.set $w15
        local.get $a local.get $f i32.const 6 i32.rotr local.get $f i32.const 11 i32.rotr i32.xor local.get $f i32.const 25 i32.rotr i32.xor i32.add local.get $h local.get $f local.get $g local.get $h i32.xor i32.and i32.xor i32.add i32.const 0x106aa070 i32.add local.get $w15 i32.add local.set $t1
        local.get $e local.get $t1 i32.add local.set $e
        local.get $t1 local.get $b i32.const 2 i32.rotr local.get $b i32.const 13 i32.rotr i32.xor local.get $b i32.const 22 i32.rotr i32.xor i32.add local.get $b local.get $c i32.and local.get $d local.get $b local.get $c i32.or i32.and i32.or i32.add local.set $a
        ;; round 48: a..h are $a $b $c $d $e $f $g $h
        local.get $w14 i32.const 17 i32.rotr local.get $w14 i32.const 19 i32.rotr i32.xor local.get $w14 i32.const 10 i32.shr_u i32.xor local.get $w9 i32.add local.get $w1 i32.const 7 i32.rotr local.get $w1 i32.const 18 i32.rotr i32.xor local.get $w1 i32.const 3 i32.shr_u i32.xor i32.add local.get $w0 i32.add local.set $w0
        local.get $h local.get $e i32.const 6 i32.rotr local.get $e i32.const 11 i32.rotr i32.xor local.get $e i32.const 25 i32.rotr i32.xor i32.add local.get $g local.get $e local.get $f local.get $g i32.xor i32.and i32.xor i32.add i32.const 0x19a4c116 i32.add local.get $w0 i32.add local.set $t1
        local.get $d local.get $t1 i32.add local.set $d
        local.get $t1 local.get $a i32.const 2 i32.rotr local.get $a i32.const 13 i32.rotr i32.xor local.get $a i32.const 22 i32.rotr i32.xor i32.add local.get $a local.get $b i32.and local.get $c local.get $a local.get $b i32.or i32.and i32.or i32.add local.set $h
        ;; round 49: a..h are $h $a $b $c $d $e $f $g
        local.get $w15 i32.const 17 i32.rotr local.get $w15 i32.const 19 i32.rotr i32.xor local.get $w15 i32.const 10 i32.shr_u i32.xor local.get $w10 i32.add local.get $w2 i32.const 7 i32.rotr local.get $w2 i32.const 18 i32.rotr i32.xor local.get $w2 i32.const 3 i32.shr_u i32.xor i32.add local.get $w1 i32.add local.set $w1
        local.get $g local.get $d i32.const 6 i32.rotr local.get $d i32.const 11 i32.rotr i32.xor local.get $d i32.const 25 i32.rotr i32.xor i32.add local.get $f local.get $d local.get $e local.get $f i32.xor i32.and i32.xor i32.add i32.const 0x1e376c08 i32.add local.get $w1 i32.add local.set $t1
        local.get $c local.get $t1 i32.add local.set $c
        local.get $t1 local.get $h i32.const 2 i32.rotr local.get $h i32.const 13 i32.rotr i32.xor local.get $h i32.const 22 i32.rotr i32.xor i32.add local.get $h local.get $a i32.and local.get $b local.get $h local.get $a i32.or i32.and i32.or i32.add local.set $g
        ;; round 50: a..h are $g $h $a $b $c $d $e $f
        local.get $w0 i32.const 17 i32.rotr local.get $w0 i32.const 19 i32.rotr i32.xor local.get $w0 i32.const 10 i32.shr_u i32.xor local.get $w11 i32.add local.get $w3 i32.const 7 i32.rotr local.get $w3 i32.const 18 i32.rotr i32.xor local.get $w3 i32.const 3 i32.shr_u i32.xor i32.add local.get $w2 i32.add local.set $w2
        local.get $f local.get $c i32.const 6 i32.rotr local.get $c i32.const 11 i32.rotr i32.xor local.get $c i32.const 25 i32.rotr i32.xor i32.add local.get $e local.get $c local.get $d local.get $e i32.xor i32.and i32.xor i32.add i32.const 0x2748774c i32.add local.get $w2 i32.add local.set $t1
        local.get $b local.get $t1 i32.add local.set $b
        local.get $t1 local.get $g i32.const 2 i32.rotr local.get $g i32.const 13 i32.rotr i32.xor local.get $g i32.const 22 i32.rotr i32.xor i32.add local.get $g local.get $h i32.and local.get $a local.get $g local.get $h i32.or i32.and i32.or i32.add local.set $f
        ;; round 51: a..h are $f $g $h $a $b $c $d $e
        local.get $w1 i32.const 17 i32.rotr local.get $w1 i32.const 19 i32.rotr i32.xor local.get $w1 i32.const 10 i32.shr_u i32.xor local.get $w12 i32.add local.get $w4 i32.const 7 i32.rotr local.get $w4 i32.const 18 i32.rotr i32.xor local.get $w4 i32.const 3 i32.shr_u i32.xor i32.add local.get $w3 i32.add local.set $w3
        local.get $e local.get $b i32.const 6 i32.rotr local.get $b i32.const 11 i32.rotr i32.xor local.get $b i32.const 25 i32.rotr i32.xor i32.add local.get $d local.get $b local.get $c local.get $d i32.xor i32.and i32.xor i32.add i32.const 0x34b0bcb5 i32.add local.get $w3 i32.add local.set $t1
        local.get $a local.get $t1 i32.add local.set $a
        local.get $t1 local.get $f i32.const 2 i32.rotr local.get $f i32.const 13 i32.rotr i32.xor local.get $f i32.const 22 i32.rotr i32.xor i32.add local.get $f local.get $g i32.and local.get $h local.get $f local.get $g i32.or i32.and i32.or i32.add local.set $e
        ;; round 52: a..h are $e $f $g $h $a $b $c $d
        local.get $w2 i32.const 17 i32.rotr local.get $w2 i32.const 19 i32.rotr i32.xor local.get $w2 i32.const 10 i32.shr_u i32.xor local.get $w13 i32.add local.get $w5 i32.const 7 i32.rotr local.get $w5 i32.const 18 i32.rotr i32.xor local.get $w5 i32.const 3 i32.shr_u i32.xor i32.add local.get $w4 i32.add local.set $w4
        local.get $d local.get $a i32.const 6 i32.rotr local.get $a i32.const 11 i32.rotr i32.xor local.get $a i32.const 25 i32.rotr i32.xor i32.add local.get $c local.get $a local.get $b local.get $c i32.xor i32.and i32.xor i32.add i32.const 0x391c0cb3 i32.add local.get $w4 i32.add local.set $t1
        local.get $h local.get $t1 i32.add local.set $h
        local.get $t1 local.get $e i32.const 2 i32.rotr local.get $e i32.const 13 i32.rotr i32.xor local.get $e i32.const 22 i32.rotr i32.xor i32.add local.get $e local.get $f i32.and local.get $g local.get $e local.get $f i32.or i32.and i32.or i32.add local.set $d
        ;; round 53: a..h are $d $e $f $g $h $a $b $c
        local.get $w3 i32.const 17 i32.rotr local.get $w3 i32.const 19 i32.rotr i32.xor local.get $w3 i32.const 10 i32.shr_u i32.xor local.get $w14 i32.add local.get $w6 i32.const 7 i32.rotr local.get $w6 i32.const 18 i32.rotr i32.xor local.get $w6 i32.const 3 i32.shr_u i32.xor i32.add local.get $w5 i32.add local.set $w5
        local.get $c local.get $h i32.const 6 i32.rotr local.get $h i32.const 11 i32.rotr i32.xor local.get $h i32.const 25 i32.rotr i32.xor i32.add local.get $b local.get $h local.get $a local.get $b i32.xor i32.and i32.xor i32.add i32.const 0x4ed8aa4a i32.add local.get $w5 i32.add local.set $t1
        local.get $g local.get $t1 i32.add local.set $g
        local.get $t1 local.get $d i32.const 2 i32.rotr local.get $d i32.const 13 i32.rotr i32.xor local.get $d i32.const 22 i32.rotr i32.xor i32.add local.get $d local.get $e i32.and local.get $f local.get $d local.get $e i32.or i32.and i32.or i32.add local.set $c
        ;; round 54: a..h are $c $d $e $f $g $h $a $b
        local.get $w4 i32.const 17 i32.rotr local.get $w4 i32.const 19 i32.rotr i32.xor local.get $w4 i32.const 10 i32.shr_u i32.xor local.get $w15 i32.add local.get $w7 i32.const 7 i32.rotr local.get $w7 i32.const 18 i32.rotr i32.xor local.get $w7 i32.const 3 i32.shr_u i32.xor i32.add local.get $w6 i32.add local.set $w6
        local.get $b local.get $g i32.const 6 i32.rotr local.get $g i32.const 11 i32.rotr i32.xor local.get $g i32.const 25 i32.rotr i32.xor i32.add local.get $a local.get $g local.get $h local.get $a i32.xor i32.and i32.xor i32.add i32.const 0x5b9cca4f i32.add local.get $w6 i32.add local.set $t1
        local.get $f local.get $t1 i32.add local.set $f
        local.get $t1 local.get $c i32.const 2 i32.rotr local.get $c i32.const 13 i32.rotr i32.xor local.get $c i32.const 22 i32.rotr i32.xor i32.add local.get $c local.get $d i32.and local.get $e local.get $c local.get $d i32.or i32.and i32.or i32.add local.set $b
        ;; round 55: a..h are $b $c $d $e $f $g $h $a
        local.get $w5 i32.const 17 i32.rotr local.get $w5 i32.const 19 i32.rotr i32.xor local.get $w5 i32.const 10 i32.shr_u i32.xor local.get $w0 i32.add local.get $w8 i32.const 7 i32.rotr local.get $w8 i32.const 18 i32.rotr i32.xor local.get $w8 i32.const 3 i32.shr_u i32.xor i32.add local.get $w7 i32.add local.set $w7
        local.get $a local.get $f i32.const 6 i32.rotr local.get $f i32.const 11 i32.rotr i32.xor local.get $f i32.const 25 i32.rotr i32.xor i32.add local.get $h local.get $f local.get $g local.get $h i32.xor i32.and i32.xor i32.add i32.const 0x682e6ff3 i32.add local.get $w7 i32.add local.set $t1
        local.get $e local.get $t1 i32.add local.set $e
        local.get $t1 local.get $b i32.const 2 i32.rotr local.get $b i32.const 13 i32.rotr i32.xor local.get $b i32.const 22 i32.rotr i32.xor i32.add local.get $b local.get $c i32.and local.get $d local.get $b local.get $c i32.or i32.and i32.or i32.add local.set $a
        ;; round 56: a..h are $a $b $c $d $e $f $g $h
        local.get $w6 i32.const 17 i32.rotr local.get $w6 i32.const 19 i32.rotr i32.xor local.get $w6 i32.const 10 i32.shr_u i32.xor local.get $w1 i32.add local.get $w9 i32.const 7 i32.rotr local.get $w9 i32.const 18 i32.rotr i32.xor local.get $w9 i32.const 3 i32.shr_u i32.xor i32.add local.get $w8 i32.add local.set $w8
        local.get $h local.get $e i32.const 6 i32.rotr local.get $e i32.const 11 i32.rotr i32.xor local.get $e i32.const 25 i32.rotr i32.xor i32.add local.get $g local.get $e local.get $f local.get $g i32.xor i32.and i32.xor i32.add i32.const 0x748f82ee i32.add local.get $w8 i32.add local.set $t1
        local.get $d local.get $t1 i32.add local.set $d
        local.get $t1 local.get $a i32.const 2 i32.rotr local.get $a i32.const 13 i32.rotr i32.xor local.get $a i32.const 22 i32.rotr i32.xor i32.add local.get $a local.get $b i32.and local.get $c local.get $a local.get $b i32.or i32.and i32.or i32.add local.set $h
        ;; round 57: a..h are $h $a $b $c $d $e $f $g
        local.get $w7 i32.const 17 i32.rotr local.get $w7 i32.const 19 i32.rotr i32.xor local.get $w7 i32.const 10 i32.shr_u i32.xor local.get $w2 i32.add local.get $w10 i32.const 7 i32.rotr local.get $w10 i32.const 18 i32.rotr i32.xor local.get $w10 i32.const 3 i32.shr_u i32.xor i32.add local.get $w9 i32.add local.set $w9
        local.get $g local.get $d i32.const 6 i32.rotr local.get $d i32.const 11 i32.rotr i32.xor local.get $d i32.const 25 i32.rotr i32.xor i32.add local.get $f local.get $d local.get $e local.get $f i32.xor i32.and i32.xor i32.add i32.const 0x78a5636f i32.add local.get $w9 i32.add local.set $t1
        local.get $c local.get $t1 i32.add local.set $c
        local.get $t1 local.get $h i32.const 2 i32.rotr local.get $h i32.const 13 i32.rotr i32.xor local.get $h i32.const 22 i32.rotr i32.xor i32.add local.get $h local.get $a i32.and local.get $b local.get $h local.get $a i32.or i32.and i32.or i32.add local.set $g
        ;; round 58: a..h are $g $h $a $b $c $d $e $f
        local.get $w8 i32.const 17 i32.rotr local.get $w8 i32.const 19 i32.rotr i32.xor local.get $w8 i32.const 10 i32.shr_u i32.xor local.get $w3 i32.add local.get $w11 i32.const 7 i32.rotr local.get $w11 i32.const 18 i32.rotr i32.xor local.get $w11 i32.const 3 i32.shr_u i32.xor i32.add local.get $w10 i32.add local.set $w10
        local.get $f local.get $c i32.const 6 i32.rotr local.get $c i32.const 11 i32.rotr i32.xor local.get $c i32.const 25 i32.rotr i32.xor i32.add local.get $e local.get $c local.get $d local.get $e i32.xor i32.and i32.xor i32.add i32.const 0x84c87814 i32.add local.get $w10 i32.add local.set $t1
        local.get $b local.get $t1 i32.add local.set $b
        local.get $t1 local.get $g i32.const 2 i32.rotr local.get $g i32.const 13 i32.rotr i32.xor local.get $g i32.const 22 i32.rotr i32.xor i32.add local.get $g local.get $h i32.and local.get $a local.get $g local.get $h i32.or i32.and i32.or i32.add local.set $f
        ;; round 59: a..h are $f $g $h $a $b $c $d $e
        local.get $w9 i32.const 17 i32.rotr local.get $w9 i32.const 19 i32.rotr i32.xor local.get $w9 i32.const 10 i32.shr_u i32.xor local.get $w4 i32.add local.get $w12 i32.const 7 i32.rotr local.get $w12 i32.const 18 i32.rotr i32.xor local.get $w12 i32.const 3 i32.shr_u i32.xor i32.add local.get $w11 i32.add local.set $w11
        local.get $e local.get $b i32.const 6 i32.rotr local.get $b i32.const 11 i32.rotr i32.xor local.get $b i32.const 25 i32.rotr i32.xor i32.add local.get $d local.get $b local.get $c local.get $d i32.xor i32.and i32.xor i32.add i32.const 0x8cc70208 i32.add local.get $w11 i32.add local.set $t1
        local.get $a local.get $t1 i32.add local.set $a
        local.get $t1 local.get $f i32.const 2 i32.rotr local.get $f i32.const 13 i32.rotr i32.xor local.get $f i32.const 22 i32.rotr i32.xor i32.add local.get $f local.get $g i32.and local.get $h local.get $f local.get $g i32.or i32.and i32.or i32.add local.set $e
        ;; round 60: a..h are $e $f $g $h $a $b $c $d
        local.get $w10 i32.const 17 i32.rotr local.get $w10 i32.const 19 i32.rotr i32.xor local.get $w10 i32.const 10 i32.shr_u i32.xor local.get $w5 i32.add local.get $w13 i32.const 7 i32.rotr local.get $w13 i32.const 18 i32.rotr i32.xor local.get $w13 i32.const 3 i32.shr_u i32.xor i32.add local.get $w12 i32.add local.set $w12
        local.get $d local.get $a i32.const 6 i32.rotr local.get $a i32.const 11 i32.rotr i32.xor local.get $a i32.const 25 i32.rotr i32.xor i32.add local.get $c local.get $a local.get $b local.get $c i32.xor i32.and i32.xor i32.add i32.const 0x90befffa i32.add local.get $w12 i32.add local.set $t1
        local.get $h local.get $t1 i32.add local.set $h
        local.get $t1 local.get $e i32.const 2 i32.rotr local.get $e i32.const 13 i32.rotr i32.xor local.get $e i32.const 22 i32.rotr i32.xor i32.add local.get $e local.get $f i32.and local.get $g local.get $e local.get $f i32.or i32.and i32.or i32.add local.set $d
        ;; round 61: a..h are $d $e $f $g $h $a $b $c
        local.get $w11 i32.const 17 i32.rotr local.get $w11 i32.const 19 i32.rotr i32.xor local.get $w11 i32.const 10 i32.shr_u i32.xor local.get $w6 i32.add local.get $w14 i32.const 7 i32.rotr local.get $w14 i32.const 18 i32.rotr i32.xor local.get $w14 i32.const 3 i32.shr_u i32.xor i32.add local.get $w13 i32.add local.set $w13
        local.get $c local.get $h i32.const 6 i32.rotr local.get $h i32.const 11 i32.rotr i32.xor local.get $h i32.const 25 i32.rotr i32.xor i32.add local.get $b local.get $h local.get $a local.get $b i32.xor i32.and i32.xor i32.add i32.const 0xa4506ceb i32.add local.get $w13 i32.add local.set $t1
        local.get $g local.get $t1 i32.add local.set $g
        local.get $t1 local.get $d i32.const 2 i32.rotr local.get $d i32.const 13 i32.rotr i32.xor local.get $d i32.const 22 i32.rotr i32.xor i32.add local.get $d local.get $e i32.and local.get $f local.get $d local.get $e i32.or i32.and i32.or i32.add local.set $c
        ;; round 62: a..h are $c $d $e $f $g $h $a $b
        local.get $w12 i32.const 17 i32.rotr local.get $w12 i32.const 19 i32.rotr i32.xor local.get $w12 i32.const 10 i32.shr_u i32.xor local.get $w7 i32.add local.get $w15 i32.const 7 i32.rotr local.get $w15 i32.const 18 i32.rotr i32.xor local.get $w15 i32.const 3 i32.shr_u i32.xor i32.add local.get $w14 i32.add local.set $w14
        local.get $b local.get $g i32.const 6 i32.rotr local.get $g i32.const 11 i32.rotr i32.xor local.get $g i32.const 25 i32.rotr i32.xor i32.add local.get $a local.get $g local.get $h local.get $a i32.xor i32.and i32.xor i32.add i32.const 0xbef9a3f7 i32.add local.get $w14 i32.add local.set $t1
        local.get $f local.get $t1 i32.add local.set $f
        local.get $t1 local.get $c i32.const 2 i32.rotr local.get $c i32.const 13 i32.rotr i32.xor local.get $c i32.const 22 i32.rotr i32.xor i32.add local.get $c local.get $d i32.and local.get $e local.get $c local.get $d i32.or i32.and i32.or i32.add local.set $b
        ;; round 63: a..h are $b $c $d $e $f $g $h $a
        local.get $w13 i32.const 17 i32.rotr local.get $w13 i32.const 19 i32.rotr i32.xor local.get $w13 i32.const 10 i32.shr_u i32.xor local.get $w8 i32.add local.get $w0 i32.const 7 i32.rotr local.get $w0 i32.const 18 i32.rotr i32.xor local.get $w0 i32.const 3 i32.shr_u i32.xor i32.add local.get $w15 i32.add local.set $w15
        local.get $a local.get $f i32.const 6 i32.rotr local.get $f i32.const 11 i32.rotr i32.xor local.get $f i32.const 25 i32.rotr i32.xor i32.add local.get $h local.get $f local.get $g local.get $h i32.xor i32.and i32.xor i32.add i32.const 0xc67178f2 i32.add local.get $w15 i32.add local.set $t1
        local.get $e local.get $t1 i32.add local.set $e
        local.get $t1 local.get $b i32.const 2 i32.rotr local.get $b i32.const 13 i32.rotr i32.xor local.get $b i32.const 22 i32.rotr i32.xor i32.add local.get $b local.get $c i32.and local.get $d local.get $b local.get $c i32.or i32.and i32.or i32.add local.set $a
        ;; Hi += the working variables.
        i32.const 0 i32.const 0 i32.load offset=512 local.get $a i32.add i32.store offset=512
        i32.const 0 i32.const 0 i32.load offset=516 local.get $b i32.add i32.store offset=516
        i32.const 0 i32.const 0 i32.load offset=520 local.get $c i32.add i32.store offset=520
        i32.const 0 i32.const 0 i32.load offset=524 local.get $d i32.add i32.store offset=524
        i32.const 0 i32.const 0 i32.load offset=528 local.get $e i32.add i32.store offset=528
        i32.const 0 i32.const 0 i32.load offset=532 local.get $f i32.add i32.store offset=532
        i32.const 0 i32.const 0 i32.load offset=536 local.get $g i32.add i32.store offset=536
        i32.const 0 i32.const 0 i32.load offset=540 local.get $h i32.add i32.store offset=540
        ;; Next block.
        local.get $input i32.const 64 i32.add local.set $input
        local.get $blocks i32.const 1 i32.sub local.tee $blocks br_if $block
      )
    )
  )
)
