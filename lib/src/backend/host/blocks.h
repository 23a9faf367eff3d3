#pragma once
// Short runs of floats (an image row: a few dozen) in whole vector blocks
// (internal). A loop over a row of 14 or 28 floats vectorises only its
// multiples of the vector width and leaves the rest to a scalar epilogue;
// these cover the row with blocks of 16, 8, 4, 2 or 1 floats, the last one
// ending at the row's end and overlapping the one before.
namespace aerec {

// f.template operator()<N>(x) for blocks [x, x + N) covering [0, n). A block
// may be visited twice in part, so f must give the same result again (a
// copy, a select). No loop below 64 floats, which a compiler could turn
// into a call to memmove.
template <class F>
void each_block(int n, F&& f) {
  if (n >= 64) {
    int x = 0;
    for (; x + 16 <= n; x += 16) f.template operator()<16>(x);
    if (x < n) f.template operator()<16>(n - 16);
  } else if (n >= 16) {
    f.template operator()<16>(0);
    if (n > 32) f.template operator()<16>(16);
    if (n > 48) f.template operator()<16>(32);
    f.template operator()<16>(n - 16);
  } else if (n >= 8) {
    f.template operator()<8>(0);
    f.template operator()<8>(n - 8);
  } else if (n >= 4) {
    f.template operator()<4>(0);
    f.template operator()<4>(n - 4);
  } else if (n >= 2) {
    f.template operator()<2>(0);
    f.template operator()<2>(n - 2);
  } else if (n == 1) {
    f.template operator()<1>(0);
  }
}

}  // namespace aerec
