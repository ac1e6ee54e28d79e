/*
 * Drawn animation for end-to-end measurements, the way a cartoon, a flat-shaded game or a full-screen UI
 * transition looks to a sharer: every frame redraws the whole screen in a few flat colours (under a hundred per
 * tile, no gradients, no grain), so no tile holds natural content, yet most tiles change every frame and no
 * frame is a copy of the last at one offset. A sky whose bands drift at different speeds, hills and a crowd of
 * balls and boxes bouncing in front of them, composed in a pixmap and put on the root window at once, so the
 * sharer never catches half a frame. Prints "<counter> <CLOCK_MONOTONIC us>" once the X server has drawn each
 * frame (counted-frames.h).
 *
 * Usage: cartoon-client <fps>
 */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <math.h>
#include <stdlib.h>

#include "counted-frames.h"

#define SPRITES 48
#define BANDS 10

struct sprite {
  double x, y, dx, dy;
  int size, round;
  unsigned long colour;
};

int main(int argc, char **argv) {
  int fps = fps_argument(argc, argv);
  struct screen s = open_screen();
  Display *dpy = s.dpy;
  Window root = s.root;
  int w = s.width, h = s.height;
  Pixmap canvas = XCreatePixmap(dpy, root, w, h, s.depth);
  GC gc = XCreateGC(dpy, canvas, 0, NULL);
  XSetGraphicsExposures(dpy, gc, False);
  unsigned long sky[BANDS], hill = rgb(s.visual, 60, 150, 70), far_hill = rgb(s.visual, 110, 170, 120);
  for (int i = 0; i < BANDS; i++) sky[i] = rgb(s.visual, 90 + i * 12, 150 + i * 8, 230 - i * 6);
  unsigned int seed = 4242;
  struct sprite sprites[SPRITES];
  for (int i = 0; i < SPRITES; i++) {
    seed = seed * 1103515245u + 12345u;
    struct sprite *p = &sprites[i];
    p->size = 40 + (int)((seed >> 16) % 120);
    p->x = (double)((seed >> 8) % (unsigned)(w - p->size));
    p->y = (double)((seed >> 4) % (unsigned)(h - p->size));
    p->dx = (i % 2 ? 1 : -1) * (3.0 + i % 7);
    p->dy = (i % 3 ? 1 : -1) * (2.0 + i % 5);
    p->round = i % 2;
    p->colour = rgb(s.visual, (i * 83) % 256, (i * 157) % 256, (i * 211) % 256);
  }
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  for (unsigned n = 1;; n++) {
    /* Bands of sky that wave up and down, each at its own phase: every band edge moves every frame. */
    int band = h / BANDS;
    for (int i = 0; i < BANDS; i++) {
      int top = i * band + (int)(band / 3 * sin(n / 9.0 + i));
      XSetForeground(dpy, gc, sky[i]);
      XFillRectangle(dpy, canvas, gc, 0, i == 0 ? 0 : top, w, i == 0 ? h : h - top);
    }
    XSetForeground(dpy, gc, far_hill);
    for (int x = -200; x < w + 200; x += 260) {
      XFillArc(dpy, canvas, gc, x - (int)(n * 2) % 260, h / 2, 420, 380, 0, 180 * 64);
    }
    XSetForeground(dpy, gc, hill);
    for (int x = -300; x < w + 300; x += 340) {
      XFillArc(dpy, canvas, gc, x - (int)(n * 5) % 340, h * 2 / 3, 520, 420, 0, 180 * 64);
    }
    for (int i = 0; i < SPRITES; i++) {
      struct sprite *p = &sprites[i];
      p->x += p->dx;
      p->y += p->dy;
      if (p->x < 0 || p->x > w - p->size) p->dx = -p->dx;
      if (p->y < 0 || p->y > h - p->size) p->dy = -p->dy;
      XSetForeground(dpy, gc, p->colour);
      if (p->round) {
        XFillArc(dpy, canvas, gc, (int)p->x, (int)p->y, p->size, p->size, 0, 360 * 64);
      } else {
        XFillRectangle(dpy, canvas, gc, (int)p->x, (int)p->y, p->size, p->size);
      }
    }
    XCopyArea(dpy, canvas, root, gc, 0, 0, w, h, 0, 0);
    if (!frame_done(dpy, root, gc, s.visual, n)) return 0;
    next_tick(&next, fps);
  }
}
