;; Teddy-style candidate finder for aho_corasick/ (WebAssembly SIMD128).
;;
;; Assembled by scripts/build_wasm_teddy.ts into aho_corasick/wasm/teddy_wasm.ts
;; (the bytes the library embeds); edit this file, then run
;;   node_modules/.bin/deno run -A scripts/build_wasm_teddy.ts
;; The assembler understands exactly the flat-instruction subset used here.
;;
;; Memory layout (filled by aho_corasick/teddy.ts):
;;   0..127   eight 16-byte nibble tables: for fingerprint byte k = 0..3,
;;            lo_k at 32k (indexed by a byte's low nibble) and hi_k at 32k+16
;;            (by its high nibble); bit b of an entry: some pattern of bucket b
;;            has such a nibble at offset k. Unused k (short patterns): 0xff.
;;   128..383 find16's tables: 16 buckets as two halves A (buckets 0-7) and
;;            B (8-15) over 4 fingerprint bytes; for k = 0..3 at 128 + 64k:
;;            loA, hiA, loB, hiB.
;;   1024..   the haystack chunk being searched.
;;
;; find(i, end): the first position p >= i, p <= end - 18, where some bucket
;; accepts all three fingerprint bytes (a candidate start for the DFA to
;; verify); or, when there is none, the first position it did not examine
;; (every position at or after it is a possible candidate: the caller steps
;; the DFA over that tail). Sixteen start positions per step: lane j of the
;; AND of the three table lookups on the loads at i, i+1, i+2 is the
;; candidate mask of start i+j. High nibbles come from a 16-bit shift and a
;; mask (x86 has no 8-bit shift). Every swizzle index is below 16, so the
;; assembler also emits a copy using i8x16.relaxed_swizzle (one pshufb on
;; x86, same results for such indices), used where relaxed SIMD validates.
;;
;; find16(i, end): find4 with 16 buckets (two halves of 8 bits, ORed), for
;; larger sets of 4+ byte patterns, where 8 buckets would accept too much.
;;
;; find4(i, end): the same over four fingerprint bytes (p <= end - 19), for
;; sets whose patterns all have four bytes or more: a quarter more work per
;; block, far fewer false candidates on text.
(module
  (memory (export "memory") 1)
  (func (export "find") (param $i i32) (param $end i32) (result i32)
    (local $lo0 v128) (local $hi0 v128)
    (local $lo1 v128) (local $hi1 v128)
    (local $lo2 v128) (local $hi2 v128)
    (local $nibble v128) (local $x v128) (local $c v128) (local $last i32)
    i32.const 0
    v128.load offset=0
    local.set $lo0
    i32.const 0
    v128.load offset=16
    local.set $hi0
    i32.const 0
    v128.load offset=32
    local.set $lo1
    i32.const 0
    v128.load offset=48
    local.set $hi1
    i32.const 0
    v128.load offset=64
    local.set $lo2
    i32.const 0
    v128.load offset=80
    local.set $hi2
    i32.const 15
    i8x16.splat
    local.set $nibble
    ;; The last block start whose three loads stay below end.
    local.get $end
    i32.const 18
    i32.sub
    local.set $last
    block $done
      loop $blocks
        local.get $i
        local.get $last
        i32.gt_s
        br_if $done
        ;; fingerprint byte 0
        local.get $lo0
        local.get $i
        v128.load offset=0
        local.tee $x
        local.get $nibble
        v128.and
        i8x16.swizzle
        local.get $hi0
        local.get $x
        i32.const 4
        i16x8.shr_u
        local.get $nibble
        v128.and
        i8x16.swizzle
        v128.and
        ;; fingerprint byte 1
        local.get $lo1
        local.get $i
        v128.load offset=1
        local.tee $x
        local.get $nibble
        v128.and
        i8x16.swizzle
        local.get $hi1
        local.get $x
        i32.const 4
        i16x8.shr_u
        local.get $nibble
        v128.and
        i8x16.swizzle
        v128.and
        v128.and
        ;; fingerprint byte 2
        local.get $lo2
        local.get $i
        v128.load offset=2
        local.tee $x
        local.get $nibble
        v128.and
        i8x16.swizzle
        local.get $hi2
        local.get $x
        i32.const 4
        i16x8.shr_u
        local.get $nibble
        v128.and
        i8x16.swizzle
        v128.and
        v128.and
        local.tee $c
        v128.any_true
        if
          ;; First lane with a bucket bit: the candidate.
          local.get $c
          v128.const i32x4 0 0 0 0
          i8x16.ne
          i8x16.bitmask
          i32.ctz
          local.get $i
          i32.add
          return
        end
        local.get $i
        i32.const 16
        i32.add
        local.set $i
        br $blocks
      end
    end
    local.get $i
  )
  (func (export "find4") (param $i i32) (param $end i32) (result i32)
    (local $lo0 v128) (local $hi0 v128)
    (local $lo1 v128) (local $hi1 v128)
    (local $lo2 v128) (local $hi2 v128)
    (local $lo3 v128) (local $hi3 v128)
    (local $nibble v128) (local $x v128) (local $c v128) (local $last i32)
    i32.const 0
    v128.load offset=0
    local.set $lo0
    i32.const 0
    v128.load offset=16
    local.set $hi0
    i32.const 0
    v128.load offset=32
    local.set $lo1
    i32.const 0
    v128.load offset=48
    local.set $hi1
    i32.const 0
    v128.load offset=64
    local.set $lo2
    i32.const 0
    v128.load offset=80
    local.set $hi2
    i32.const 0
    v128.load offset=96
    local.set $lo3
    i32.const 0
    v128.load offset=112
    local.set $hi3
    i32.const 15
    i8x16.splat
    local.set $nibble
    ;; The last block start whose four loads stay below end.
    local.get $end
    i32.const 19
    i32.sub
    local.set $last
    block $done
      loop $blocks
        local.get $i
        local.get $last
        i32.gt_s
        br_if $done
        ;; fingerprint byte 0
        local.get $lo0
        local.get $i
        v128.load offset=0
        local.tee $x
        local.get $nibble
        v128.and
        i8x16.swizzle
        local.get $hi0
        local.get $x
        i32.const 4
        i16x8.shr_u
        local.get $nibble
        v128.and
        i8x16.swizzle
        v128.and
        ;; fingerprint byte 1
        local.get $lo1
        local.get $i
        v128.load offset=1
        local.tee $x
        local.get $nibble
        v128.and
        i8x16.swizzle
        local.get $hi1
        local.get $x
        i32.const 4
        i16x8.shr_u
        local.get $nibble
        v128.and
        i8x16.swizzle
        v128.and
        v128.and
        ;; fingerprint byte 2
        local.get $lo2
        local.get $i
        v128.load offset=2
        local.tee $x
        local.get $nibble
        v128.and
        i8x16.swizzle
        local.get $hi2
        local.get $x
        i32.const 4
        i16x8.shr_u
        local.get $nibble
        v128.and
        i8x16.swizzle
        v128.and
        v128.and
        ;; fingerprint byte 3
        local.get $lo3
        local.get $i
        v128.load offset=3
        local.tee $x
        local.get $nibble
        v128.and
        i8x16.swizzle
        local.get $hi3
        local.get $x
        i32.const 4
        i16x8.shr_u
        local.get $nibble
        v128.and
        i8x16.swizzle
        v128.and
        v128.and
        local.tee $c
        v128.any_true
        if
          ;; First lane with a bucket bit: the candidate.
          local.get $c
          v128.const i32x4 0 0 0 0
          i8x16.ne
          i8x16.bitmask
          i32.ctz
          local.get $i
          i32.add
          return
        end
        local.get $i
        i32.const 16
        i32.add
        local.set $i
        br $blocks
      end
    end
    local.get $i
  )
  (func (export "find16") (param $i i32) (param $end i32) (result i32)
    (local $loA0 v128) (local $hiA0 v128) (local $loB0 v128) (local $hiB0 v128)
    (local $loA1 v128) (local $hiA1 v128) (local $loB1 v128) (local $hiB1 v128)
    (local $loA2 v128) (local $hiA2 v128) (local $loB2 v128) (local $hiB2 v128)
    (local $loA3 v128) (local $hiA3 v128) (local $loB3 v128) (local $hiB3 v128)
    (local $nibble v128) (local $x v128) (local $lo v128) (local $hi v128)
    (local $a v128) (local $b v128) (local $last i32)
    i32.const 0
    v128.load offset=128
    local.set $loA0
    i32.const 0
    v128.load offset=144
    local.set $hiA0
    i32.const 0
    v128.load offset=160
    local.set $loB0
    i32.const 0
    v128.load offset=176
    local.set $hiB0
    i32.const 0
    v128.load offset=192
    local.set $loA1
    i32.const 0
    v128.load offset=208
    local.set $hiA1
    i32.const 0
    v128.load offset=224
    local.set $loB1
    i32.const 0
    v128.load offset=240
    local.set $hiB1
    i32.const 0
    v128.load offset=256
    local.set $loA2
    i32.const 0
    v128.load offset=272
    local.set $hiA2
    i32.const 0
    v128.load offset=288
    local.set $loB2
    i32.const 0
    v128.load offset=304
    local.set $hiB2
    i32.const 0
    v128.load offset=320
    local.set $loA3
    i32.const 0
    v128.load offset=336
    local.set $hiA3
    i32.const 0
    v128.load offset=352
    local.set $loB3
    i32.const 0
    v128.load offset=368
    local.set $hiB3
    i32.const 15
    i8x16.splat
    local.set $nibble
    ;; The last block start whose four loads stay below end.
    local.get $end
    i32.const 19
    i32.sub
    local.set $last
    block $done
      loop $blocks
        local.get $i
        local.get $last
        i32.gt_s
        br_if $done
        ;; fingerprint byte 0: its nibbles, then both halves
        local.get $i
        v128.load offset=0
        local.tee $x
        local.get $nibble
        v128.and
        local.set $lo
        local.get $x
        i32.const 4
        i16x8.shr_u
        local.get $nibble
        v128.and
        local.set $hi
        local.get $loA0
        local.get $lo
        i8x16.swizzle
        local.get $hiA0
        local.get $hi
        i8x16.swizzle
        v128.and
        local.set $a
        local.get $loB0
        local.get $lo
        i8x16.swizzle
        local.get $hiB0
        local.get $hi
        i8x16.swizzle
        v128.and
        local.set $b
        ;; fingerprint byte 1: its nibbles, then both halves
        local.get $i
        v128.load offset=1
        local.tee $x
        local.get $nibble
        v128.and
        local.set $lo
        local.get $x
        i32.const 4
        i16x8.shr_u
        local.get $nibble
        v128.and
        local.set $hi
        local.get $loA1
        local.get $lo
        i8x16.swizzle
        local.get $hiA1
        local.get $hi
        i8x16.swizzle
        v128.and
        local.get $a
        v128.and
        local.set $a
        local.get $loB1
        local.get $lo
        i8x16.swizzle
        local.get $hiB1
        local.get $hi
        i8x16.swizzle
        v128.and
        local.get $b
        v128.and
        local.set $b
        ;; fingerprint byte 2: its nibbles, then both halves
        local.get $i
        v128.load offset=2
        local.tee $x
        local.get $nibble
        v128.and
        local.set $lo
        local.get $x
        i32.const 4
        i16x8.shr_u
        local.get $nibble
        v128.and
        local.set $hi
        local.get $loA2
        local.get $lo
        i8x16.swizzle
        local.get $hiA2
        local.get $hi
        i8x16.swizzle
        v128.and
        local.get $a
        v128.and
        local.set $a
        local.get $loB2
        local.get $lo
        i8x16.swizzle
        local.get $hiB2
        local.get $hi
        i8x16.swizzle
        v128.and
        local.get $b
        v128.and
        local.set $b
        ;; fingerprint byte 3: its nibbles, then both halves
        local.get $i
        v128.load offset=3
        local.tee $x
        local.get $nibble
        v128.and
        local.set $lo
        local.get $x
        i32.const 4
        i16x8.shr_u
        local.get $nibble
        v128.and
        local.set $hi
        local.get $loA3
        local.get $lo
        i8x16.swizzle
        local.get $hiA3
        local.get $hi
        i8x16.swizzle
        v128.and
        local.get $a
        v128.and
        local.set $a
        local.get $loB3
        local.get $lo
        i8x16.swizzle
        local.get $hiB3
        local.get $hi
        i8x16.swizzle
        v128.and
        local.get $b
        v128.and
        local.set $b
        local.get $a
        local.get $b
        v128.or
        local.tee $x
        v128.any_true
        if
          local.get $x
          v128.const i32x4 0 0 0 0
          i8x16.ne
          i8x16.bitmask
          i32.ctz
          local.get $i
          i32.add
          return
        end
        local.get $i
        i32.const 16
        i32.add
        local.set $i
        br $blocks
      end
    end
    local.get $i
  )
)
