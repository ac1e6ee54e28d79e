/*
 * Loads a sharer's pointer path: at a fixed rate it defines a new 64x64 ARGB cursor on the root window (a
 * different image every time, so no pointer cache ever hits and each shape is a full large-pointer update) and
 * warps the pointer a little. Runs until killed.
 *
 * Usage: cursor-churn <changes per second>
 */
#include <X11/Xcursor/Xcursor.h>
#include <X11/Xlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SIDE 64

int main(int argc, char **argv) {
  double rate = argc > 1 ? atof(argv[1]) : 100.0;
  if (rate <= 0) rate = 100.0;
  Display *dpy = XOpenDisplay(NULL);
  if (!dpy) {
    fprintf(stderr, "cursor-churn: cannot open display\n");
    return 1;
  }
  Window root = DefaultRootWindow(dpy);
  int width = DisplayWidth(dpy, DefaultScreen(dpy));
  int height = DisplayHeight(dpy, DefaultScreen(dpy));
  XcursorImage *image = XcursorImageCreate(SIDE, SIDE);
  image->xhot = SIDE / 2;
  image->yhot = SIDE / 2;
  struct timespec tick = {0, (long)(1e9 / rate)};
  Cursor previous = None;
  for (unsigned n = 0;; n++) {
    for (int y = 0; y < SIDE; y++)
      for (int x = 0; x < SIDE; x++)
        image->pixels[y * SIDE + x] = 0xff000000u | ((x * 4 + n) & 0xff) << 16 | ((y * 4 + n * 3) & 0xff) << 8 | (n & 0xff);
    Cursor cursor = XcursorImageLoadCursor(dpy, image);
    XDefineCursor(dpy, root, cursor);
    if (previous != None) XFreeCursor(dpy, previous);
    previous = cursor;
    XWarpPointer(dpy, None, root, 0, 0, 0, 0, width / 2 + (int)(n % 40), height / 2 + (int)(n % 30));
    XFlush(dpy);
    nanosleep(&tick, NULL);
  }
}
