/*
 * Full-screen motion for end-to-end measurements, the way video or a dragged photo looks to a sharer: every
 * frame moves every pixel of the screen. A detailed picture larger than the screen is copied onto the root
 * window in 12-pixel bands, each band shifted by its own wave, so the picture ripples like a flag: no frame is
 * a plain copy of the last one at one offset, which a scroll detector alone could send cheaply. Prints
 * "<counter> <CLOCK_MONOTONIC us>" once the X server has drawn each frame (counted-frames.h).
 *
 * Usage: motion-client <fps>
 */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <math.h>
#include <stdlib.h>

#include "counted-frames.h"

/* How far the picture swings each way, in pixels. */
#define SWING 48
#define BAND 12

/* Colour waves under a grid of thin lines and rings: smooth areas and sharp edges, as in a photo or a UI. */
static Pixmap picture(const struct screen *s, int w, int h) {
  XImage *img = new_image(s, w, h);
  for (int y = 0; y < h; y++) {
    for (int x = 0; x < w; x++) {
      double v = sin(x / 41.0 + sin(y / 53.0) * 2.0) + cos(y / 31.0 - x / 97.0);
      double ring = fmod(hypot(x - w / 2.0, y - h / 2.0), 60.0);
      int r = 128 + (int)(70 * v), g = (x * 255) / w, b = 128 + (int)(100 * sin((x + y) / 47.0));
      if (x % 48 == 0 || y % 40 == 0 || ring < 2.0) r = g = b = 30;
      XPutPixel(img, x, y, rgb(s->visual, clamp255(r), clamp255(g), clamp255(b)));
    }
  }
  return to_pixmap(s, img);
}

int main(int argc, char **argv) {
  int fps = fps_argument(argc, argv);
  struct screen s = open_screen();
  Display *dpy = s.dpy;
  Window root = s.root;
  int w = s.width, h = s.height;
  Pixmap big = picture(&s, w + 2 * SWING, h + 2 * SWING);
  GC gc = XCreateGC(dpy, root, 0, NULL);
  /* Nobody reads events: no NoExpose per copy piling up in the queue. */
  XSetGraphicsExposures(dpy, gc, False);
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  for (unsigned n = 1;; n++) {
    double t = n;
    int dy = SWING + (int)(SWING * sin(t / 23.0));
    for (int y = 0; y < h; y += BAND) {
      int dx = SWING + (int)(SWING * sin(t / 11.0 + y / 97.0));
      XCopyArea(dpy, big, root, gc, dx, y + dy, w, y + BAND > h ? h - y : BAND, 0, y);
    }
    if (!frame_done(dpy, root, gc, s.visual, n)) return 0;
    next_tick(&next, fps);
  }
}
