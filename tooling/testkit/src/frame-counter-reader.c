/*
 * Reads the frame counter that animation-client.c paints, from the top-left corner of an X display's root
 * window, at a fixed polling rate. Prints "<counter> <CLOCK_MONOTONIC us>" each time a valid counter differs
 * from the last one printed. Only the 64x32 strip is fetched, so one poll costs well under a millisecond.
 *
 * Usage: frame-counter-reader <polls per second> [<x> <y>]
 */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CELL 8

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

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
  Display *dpy = XOpenDisplay(NULL);
  if (!dpy) {
    fprintf(stderr, "cannot open display\n");
    return 1;
  }
  int screen = DefaultScreen(dpy);
  Window root = RootWindow(dpy, screen);
  Visual *visual = DefaultVisual(dpy, screen);
  long last = -1;
  long long period_ns = 1000000000LL / rate;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  for (;;) {
    XImage *img = XGetImage(dpy, root, ox, oy, 8 * CELL, 4 * CELL, AllPlanes, ZPixmap);
    long long seen = now_us();
    if (img) {
      long value = decode(img, visual);
      XDestroyImage(img);
      if (value >= 0 && value != last) {
        last = value;
        if (printf("%ld %lld\n", value, seen) < 0 || fflush(stdout) != 0) return 0;
      }
    }
    next.tv_nsec += period_ns;
    while (next.tv_nsec >= 1000000000L) {
      next.tv_nsec -= 1000000000L;
      next.tv_sec++;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    /* After a stall (or SIGSTOP), skip the missed ticks rather than bursting through them. */
    if ((now.tv_sec - next.tv_sec) * 1000000000LL + (now.tv_nsec - next.tv_nsec) > period_ns) next = now;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {
    }
  }
}
