/*
 * Full-screen scrolling text for end-to-end measurements, as a terminal printing a long log looks to a sharer:
 * black text in the server's fixed font on white, the whole screen scrolled up by XCopyArea each frame and new
 * lines written at the bottom. Prints "<counter> <CLOCK_MONOTONIC us>" once the X server has drawn each frame
 * (counted-frames.h); the counter strip is painted over the scrolled text.
 *
 * Usage: scrolling-text-client <fps> <lines per frame>
 */
#include <X11/Xlib.h>
#include <stdlib.h>
#include <string.h>

#include "counted-frames.h"

static const char *const WORDS[] = {
    "sharer", "viewer", "frame", "tile",    "surface", "encode", "latency", "socket", "attendee", "codec",
    "planar", "damage", "cache", "scroll", "pointer", "bytes",  "0x3fa2",  "ok",     "[INFO]",   "-->",
};

/* Deterministic pseudo-random log lines, different on every line. */
static void text_line(char *out, size_t size, unsigned *seed, unsigned number) {
  int len = snprintf(out, size, "%08u ", number);
  while (len < (int)size - 12) {
    *seed = *seed * 1103515245u + 12345u;
    const char *word = WORDS[(*seed >> 16) % (sizeof WORDS / sizeof *WORDS)];
    if (((*seed >> 8) & 15) == 0) break;
    len += snprintf(out + len, size - len, "%s ", word);
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <fps> <lines per frame>\n", argv[0]);
    return 2;
  }
  int fps = atoi(argv[1]), per_frame = atoi(argv[2]);
  struct screen s = open_screen();
  Display *dpy = s.dpy;
  Window root = s.root;
  Visual *visual = s.visual;
  int w = s.width, h = s.height;
  XFontStruct *font = XLoadQueryFont(dpy, "fixed");
  if (!font) {
    fprintf(stderr, "no \"fixed\" font\n");
    return 1;
  }
  int line_h = font->ascent + font->descent;
  int columns = w / font->max_bounds.width;
  char *line = malloc((size_t)columns + 1);
  GC gc = XCreateGC(dpy, root, 0, NULL);
  /* Nobody reads events: no NoExpose per copy piling up in the queue. */
  XSetGraphicsExposures(dpy, gc, False);
  XSetFont(dpy, gc, font->fid);
  XSetWindowBackground(dpy, root, rgb(visual, 255, 255, 255));
  XClearWindow(dpy, root);
  unsigned seed = 2024, number = 0;
  int scroll = line_h * per_frame;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  for (unsigned n = 1;; n++) {
    XCopyArea(dpy, root, root, gc, 0, scroll, w, h - scroll, 0, 0);
    XClearArea(dpy, root, 0, h - scroll, w, scroll, False);
    XSetForeground(dpy, gc, rgb(visual, 0, 0, 0));
    for (int i = 0; i < per_frame; i++) {
      text_line(line, (size_t)columns + 1, &seed, ++number);
      int y = h - scroll + i * line_h + font->ascent;
      XDrawString(dpy, root, gc, 2, y, line, (int)strlen(line));
    }
    if (!frame_done(dpy, root, gc, visual, n)) return 0;
    next_tick(&next, fps);
  }
}
