/*
 * What every workload client shares: pixel values for a TrueColor visual, the frame counter strip that
 * frame-counter-reader.c decodes from a viewer's screen, and a fixed-rate frame clock that reports when each
 * frame reached the X server.
 *
 * Counter layout: a 64x32 block at (0,0), four rows of eight 8x8 cells. Rows 0-1 hold the 16-bit counter
 * (bit 15 first), rows 2-3 its complement, white = 1. The complement lets a reader reject a strip caught half
 * drawn; the whole block sits inside one 64x64 tile of any tiling codec.
 */
#ifndef COUNTED_FRAMES_H
#define COUNTED_FRAMES_H

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CELL 8
#define STRIP_W (8 * CELL)
#define STRIP_H (4 * CELL)

/* The default screen of $DISPLAY. */
struct screen {
  Display *dpy;
  Window root;
  Visual *visual;
  int depth, width, height;
};

/* The frame rate of a client whose only argument it is; exits with the usage line when the arguments are not that. */
static inline int fps_argument(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <fps>\n", argv[0]);
    exit(2);
  }
  return atoi(argv[1]);
}

/* Opens $DISPLAY; exits with a message when it cannot, or when its visual is not TrueColor (rgb() needs one). */
static inline struct screen open_screen(void) {
  struct screen s;
  s.dpy = XOpenDisplay(NULL);
  if (!s.dpy) {
    fprintf(stderr, "cannot open display\n");
    exit(1);
  }
  int n = DefaultScreen(s.dpy);
  s.root = RootWindow(s.dpy, n);
  s.visual = DefaultVisual(s.dpy, n);
  s.depth = DefaultDepth(s.dpy, n);
  s.width = DisplayWidth(s.dpy, n);
  s.height = DisplayHeight(s.dpy, n);
  if (s.visual->class != TrueColor) {
    fprintf(stderr, "needs a TrueColor visual\n");
    exit(1);
  }
  return s;
}

/* A w x h image in the screen's format, for XPutPixel. */
static inline XImage *new_image(const struct screen *s, int w, int h) {
  XImage *img = XCreateImage(s->dpy, s->visual, s->depth, ZPixmap, 0, NULL, w, h, 32, 0);
  img->data = malloc((size_t)img->bytes_per_line * h);
  return img;
}

/* Uploads an image into a new pixmap and frees the image. */
static inline Pixmap to_pixmap(const struct screen *s, XImage *img) {
  Pixmap pm = XCreatePixmap(s->dpy, s->root, img->width, img->height, s->depth);
  GC gc = XCreateGC(s->dpy, pm, 0, NULL);
  XPutImage(s->dpy, pm, gc, img, 0, 0, 0, 0, img->width, img->height);
  XFreeGC(s->dpy, gc);
  XDestroyImage(img);
  return pm;
}

static inline long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static inline unsigned long rgb(Visual *visual, int r, int g, int b) {
  unsigned long pixel = 0;
  int shift;
  for (shift = 0; !((visual->red_mask >> shift) & 1); shift++) {
  }
  pixel |= ((unsigned long)r << shift) & visual->red_mask;
  for (shift = 0; !((visual->green_mask >> shift) & 1); shift++) {
  }
  pixel |= ((unsigned long)g << shift) & visual->green_mask;
  for (shift = 0; !((visual->blue_mask >> shift) & 1); shift++) {
  }
  pixel |= ((unsigned long)b << shift) & visual->blue_mask;
  return pixel;
}

static inline int clamp255(int v) { return v < 0 ? 0 : v > 255 ? 255 : v; }

static inline void draw_counter(Display *dpy, Window root, GC gc, Visual *visual, unsigned n) {
  unsigned long black = rgb(visual, 0, 0, 0), white = rgb(visual, 255, 255, 255);
  unsigned words[2] = {n & 0xffff, ~n & 0xffff};
  for (int half = 0; half < 2; half++) {
    for (int bit = 0; bit < 16; bit++) {
      int set = (words[half] >> (15 - bit)) & 1;
      XSetForeground(dpy, gc, set ? white : black);
      XFillRectangle(dpy, root, gc, (bit % 8) * CELL, (half * 2 + bit / 8) * CELL, CELL, CELL);
    }
  }
}

/*
 * Paints counter n, waits until the X server has drawn everything asked so far and prints
 * "<counter> <CLOCK_MONOTONIC us>". Returns 0 once stdout is gone (the harness stopped listening).
 */
static inline int frame_done(Display *dpy, Window root, GC gc, Visual *visual, unsigned n) {
  draw_counter(dpy, root, gc, visual, n);
  XSync(dpy, False);
  return printf("%u %lld\n", n & 0xffff, now_us()) >= 0 && fflush(stdout) == 0;
}

/* Sleeps until the next tick of a `fps` clock; after a stall (or SIGSTOP) skips the missed ticks. */
static inline void next_tick(struct timespec *next, int fps) {
  long long period_ns = 1000000000LL / fps;
  next->tv_nsec += period_ns;
  while (next->tv_nsec >= 1000000000L) {
    next->tv_nsec -= 1000000000L;
    next->tv_sec++;
  }
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if ((now.tv_sec - next->tv_sec) * 1000000000LL + (now.tv_nsec - next->tv_nsec) > period_ns) *next = now;
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL) == EINTR) {
  }
}

#endif
