/*
 * Animates an X display for end-to-end measurements: a detailed static background on the root window, a box
 * that moves every frame and a frame counter in the top-left corner. Prints "<counter> <CLOCK_MONOTONIC us>"
 * once the X server has drawn each frame, so a reader of the viewer's screen can compute latency.
 *
 * Usage: animation-client <fps> <box size> <box speed in pixels per frame>
 *
 * Counter layout (frame-counter-reader.c decodes it): a 64x32 block at (0,0), four rows of eight 8x8 cells.
 * Rows 0-1 hold the 16-bit counter (bit 15 first), rows 2-3 its complement, white = 1. The complement lets a
 * reader reject a strip caught half drawn; the whole block sits inside one 64x64 tile of any tiling codec.
 */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CELL 8
#define STRIP_W (8 * CELL)
#define STRIP_H (4 * CELL)

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static unsigned long rgb(Visual *visual, int r, int g, int b) {
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

/* Smooth colour waves crossed by a fine grid and per-pixel grain: costly for any codec that re-sends it. */
static Pixmap background(Display *dpy, Window root, Visual *visual, int depth, int w, int h) {
  XImage *img = XCreateImage(dpy, visual, depth, ZPixmap, 0, NULL, w, h, 32, 0);
  img->data = malloc((size_t)img->bytes_per_line * h);
  unsigned int seed = 12345;
  for (int y = 0; y < h; y++) {
    for (int x = 0; x < w; x++) {
      seed = seed * 1103515245u + 12345u;
      int grain = (int)((seed >> 16) & 31) - 16;
      double v = sin(x / 23.0 + sin(y / 37.0) * 2.0) + cos(y / 19.0 - x / 71.0);
      int r = 128 + (int)(60 * v) + grain;
      int g = (x * 255) / w + grain / 2;
      int b = 128 + (int)(100 * sin((x + y) / 29.0)) - grain;
      if (x % 32 == 0 || y % 24 == 0) r = g = b = 40;
      r = r < 0 ? 0 : r > 255 ? 255 : r;
      g = g < 0 ? 0 : g > 255 ? 255 : g;
      b = b < 0 ? 0 : b > 255 ? 255 : b;
      XPutPixel(img, x, y, rgb(visual, r, g, b));
    }
  }
  Pixmap pm = XCreatePixmap(dpy, root, w, h, depth);
  GC gc = XCreateGC(dpy, pm, 0, NULL);
  XPutImage(dpy, pm, gc, img, 0, 0, 0, 0, w, h);
  XFreeGC(dpy, gc);
  XDestroyImage(img);
  return pm;
}

static Pixmap box(Display *dpy, Window root, Visual *visual, int depth, int size) {
  Pixmap pm = XCreatePixmap(dpy, root, size, size, depth);
  GC gc = XCreateGC(dpy, pm, 0, NULL);
  for (int i = 0; i < size; i += 8) {
    XSetForeground(dpy, gc, rgb(visual, 255 - i % 256, (i * 3) % 256, 60));
    XFillRectangle(dpy, pm, gc, i, 0, 8, size);
  }
  XSetForeground(dpy, gc, rgb(visual, 255, 255, 255));
  XDrawRectangle(dpy, pm, gc, 0, 0, size - 1, size - 1);
  XFreeGC(dpy, gc);
  return pm;
}

static void draw_counter(Display *dpy, Window root, GC gc, unsigned long black, unsigned long white, unsigned n) {
  unsigned words[2] = {n & 0xffff, ~n & 0xffff};
  for (int half = 0; half < 2; half++) {
    for (int bit = 0; bit < 16; bit++) {
      int set = (words[half] >> (15 - bit)) & 1;
      XSetForeground(dpy, gc, set ? white : black);
      XFillRectangle(dpy, root, gc, (bit % 8) * CELL, (half * 2 + bit / 8) * CELL, CELL, CELL);
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s <fps> <box size> <box speed>\n", argv[0]);
    return 2;
  }
  int fps = atoi(argv[1]), size = atoi(argv[2]), speed = atoi(argv[3]);
  Display *dpy = XOpenDisplay(NULL);
  if (!dpy) {
    fprintf(stderr, "cannot open display\n");
    return 1;
  }
  int screen = DefaultScreen(dpy);
  Window root = RootWindow(dpy, screen);
  Visual *visual = DefaultVisual(dpy, screen);
  int depth = DefaultDepth(dpy, screen);
  int w = DisplayWidth(dpy, screen), h = DisplayHeight(dpy, screen);
  if (visual->class != TrueColor) {
    fprintf(stderr, "needs a TrueColor visual\n");
    return 1;
  }
  XSetWindowBackgroundPixmap(dpy, root, background(dpy, root, visual, depth, w, h));
  XClearWindow(dpy, root);
  Pixmap sprite = box(dpy, root, visual, depth, size);
  GC gc = XCreateGC(dpy, root, 0, NULL);
  unsigned long black = rgb(visual, 0, 0, 0), white = rgb(visual, 255, 255, 255);

  int x = STRIP_W, y = STRIP_H, dx = speed, dy = speed / 2 > 0 ? speed / 2 : 1;
  long long period_ns = 1000000000LL / fps;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  for (unsigned n = 1;; n++) {
    int nx = x + dx, ny = y + dy;
    if (nx < 0 || nx + size > w) {
      dx = -dx;
      nx = x + dx;
    }
    if (ny < STRIP_H || ny + size > h) {
      dy = -dy;
      ny = y + dy;
    }
    XClearArea(dpy, root, x, y, size, size, False);
    XCopyArea(dpy, sprite, root, gc, 0, 0, size, size, nx, ny);
    x = nx;
    y = ny;
    draw_counter(dpy, root, gc, black, white, n);
    XSync(dpy, False);
    if (printf("%u %lld\n", n & 0xffff, now_us()) < 0 || fflush(stdout) != 0) return 0;
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
