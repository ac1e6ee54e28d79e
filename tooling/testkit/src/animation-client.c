/*
 * Animates an X display for end-to-end measurements: a detailed static background on the root window, a box
 * that moves every frame and a frame counter in the top-left corner. Prints "<counter> <CLOCK_MONOTONIC us>"
 * once the X server has drawn each frame, so a reader of the viewer's screen can compute latency.
 *
 * Usage: animation-client <fps> <box size> <box speed in pixels per frame>
 *
 * The counter strip and the frame clock are counted-frames.h's.
 */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <math.h>
#include <stdlib.h>

#include "counted-frames.h"

/* Smooth colour waves crossed by a fine grid and per-pixel grain: costly for any codec that re-sends it. */
static Pixmap background(const struct screen *s) {
  int w = s->width, h = s->height;
  XImage *img = new_image(s, w, h);
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
      XPutPixel(img, x, y, rgb(s->visual, clamp255(r), clamp255(g), clamp255(b)));
    }
  }
  return to_pixmap(s, img);
}

static Pixmap box(const struct screen *s, int size) {
  Display *dpy = s->dpy;
  Visual *visual = s->visual;
  Pixmap pm = XCreatePixmap(dpy, s->root, size, size, s->depth);
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

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s <fps> <box size> <box speed>\n", argv[0]);
    return 2;
  }
  int fps = atoi(argv[1]), size = atoi(argv[2]), speed = atoi(argv[3]);
  struct screen s = open_screen();
  Display *dpy = s.dpy;
  Window root = s.root;
  int w = s.width, h = s.height;
  XSetWindowBackgroundPixmap(dpy, root, background(&s));
  XClearWindow(dpy, root);
  Pixmap sprite = box(&s, size);
  GC gc = XCreateGC(dpy, root, 0, NULL);
  /* Nobody reads events: no NoExpose per copy piling up in the queue. */
  XSetGraphicsExposures(dpy, gc, False);

  int x = STRIP_W, y = STRIP_H, dx = speed, dy = speed / 2 > 0 ? speed / 2 : 1;
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
    if (!frame_done(dpy, root, gc, s.visual, n)) return 0;
    next_tick(&next, fps);
  }
}
