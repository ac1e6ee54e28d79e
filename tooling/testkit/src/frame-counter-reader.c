/*
 * Reads the frame counter that animation-client.c paints, from the top-left corner of an X display's root
 * window, at a fixed polling rate. Prints "<counter> <CLOCK_MONOTONIC us>" each time a valid counter differs
 * from the last one printed. Only the 64x32 strip is fetched, so one poll costs well under a millisecond.
 *
 * Usage: frame-counter-reader <polls per second> [<x> <y>]
 */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdlib.h>

#include "counted-frames.h"

static int channel(unsigned long pixel, unsigned long mask) {
  int shift = 0;
  while (!((mask >> shift) & 1)) shift++;
  return (int)((pixel & mask) >> shift);
}

/* Returns the counter, or -1 while the strip is absent or caught half drawn. */
static long decode(XImage *img, Visual *visual) {
  unsigned words[2] = {0, 0};
  for (int half = 0; half < 2; half++) {
    for (int bit = 0; bit < 16; bit++) {
      unsigned long p = XGetPixel(img, (bit % 8) * CELL + CELL / 2, (half * 2 + bit / 8) * CELL + CELL / 2);
      int luma = (channel(p, visual->red_mask) * 2 + channel(p, visual->green_mask) * 5 + channel(p, visual->blue_mask)) / 8;
      if (luma >= 128) words[half] |= 1u << (15 - bit);
    }
  }
  return words[0] == (~words[1] & 0xffff) ? (long)words[0] : -1;
}

int main(int argc, char **argv) {
  if (argc != 2 && argc != 4) {
    fprintf(stderr, "usage: %s <polls per second> [<x> <y>]\n", argv[0]);
    return 2;
  }
  int rate = atoi(argv[1]);
  int ox = argc == 4 ? atoi(argv[2]) : 0, oy = argc == 4 ? atoi(argv[3]) : 0;
  struct screen s = open_screen();
  Display *dpy = s.dpy;
  Window root = s.root;
  Visual *visual = s.visual;
  long last = -1;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  for (;;) {
    XImage *img = XGetImage(dpy, root, ox, oy, STRIP_W, STRIP_H, AllPlanes, ZPixmap);
    long long seen = now_us();
    if (img) {
      long value = decode(img, visual);
      XDestroyImage(img);
      if (value >= 0 && value != last) {
        last = value;
        if (printf("%ld %lld\n", value, seen) < 0 || fflush(stdout) != 0) return 0;
      }
    }
    next_tick(&next, rate);
  }
}
