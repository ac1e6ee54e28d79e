/*
 * Full-screen scrolling text for end-to-end measurements, as a terminal printing a long log looks to a sharer:
 * black text in the server's fixed font on white, the whole screen scrolled up by XCopyArea each frame and new
 * lines written at the bottom. Prints "<counter> <CLOCK_MONOTONIC us>" once the X server has drawn each frame
 * (counted-frames.h); the counter strip is painted over the scrolled text.
 *
 * With a third argument the text pans sideways instead, as a wide document scrolled horizontally: every line
 * is endless, the screen is moved left by that many characters each frame (XCopyArea) and the columns that come
 * into view are drawn at the right edge. With lines per frame as well, it pans diagonally, as a map dragged: the
 * document is endless downwards too, the screen also moves up by that many lines and the lines that come into
 * view are drawn at the bottom.
 *
 * Usage: scrolling-text-client <fps> <lines per frame> [<columns per frame>]
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

/* The character at column `column` of endless line `line` of the panned document: words and spaces. */
static char document_char(unsigned line, unsigned column) {
  static const char LETTERS[] = "etaoinshrdlucmfwypvbgkqjxz0123456789";
  unsigned h = (line * 2654435761u) ^ (column * 40503u);
  h ^= h >> 13;
  h *= 0x5bd1e995u;
  h ^= h >> 15;
  return h % 7 == 0 ? ' ' : LETTERS[h % (sizeof LETTERS - 1)];
}

/*
 * Draws document columns [from, to) of lines [first_line, end_line), with column `offset` at the screen's left
 * edge and line `line_offset` at its top.
 */
static void draw_columns(Display *dpy, Window root, GC gc, int char_w, int line_h, int ascent, unsigned line_offset,
                         unsigned first_line, unsigned end_line, unsigned offset, unsigned from, unsigned to) {
  for (unsigned l = first_line; l < end_line; l++) {
    for (unsigned c = from; c < to; c++) {
      char ch = document_char(l, c);
      XDrawString(dpy, root, gc, 2 + (int)(c - offset) * char_w, (int)(l - line_offset) * line_h + ascent, &ch, 1);
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: %s <fps> <lines per frame> [<columns per frame>]\n", argv[0]);
    return 2;
  }
  int fps = atoi(argv[1]), per_frame = atoi(argv[2]), pan = argc == 4 ? atoi(argv[3]) : 0;
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
  if (pan > 0) {
    int char_w = font->max_bounds.width, shift = pan * char_w;
    unsigned offset = 0, visible = (unsigned)(w / char_w + 1), lines = (unsigned)(h / line_h + 1), top = 0;
    XSetForeground(dpy, gc, rgb(visual, 0, 0, 0));
    draw_columns(dpy, root, gc, char_w, line_h, font->ascent, top, 0, lines, offset, 0, visible);
    for (unsigned n = 1;; n++) {
      XCopyArea(dpy, root, root, gc, shift, scroll, w - shift, h - scroll, 0, 0);
      XClearArea(dpy, root, w - shift, 0, shift, h, False);
      if (scroll > 0) XClearArea(dpy, root, 0, h - scroll, w, scroll, False);
      offset += (unsigned)pan;
      top += (unsigned)per_frame;
      XSetForeground(dpy, gc, rgb(visual, 0, 0, 0));
      /* From the column cut by the strip's left edge (the line cut by the bottom strip's top): drawn again whole,
       * it paints the pixels it already had. */
      unsigned first = offset + (unsigned)((w - shift - 2) / char_w);
      draw_columns(dpy, root, gc, char_w, line_h, font->ascent, top, top, top + lines, offset, first,
                   offset + visible);
      if (scroll > 0) {
        unsigned first_line = top + (unsigned)((h - scroll) / line_h);
        draw_columns(dpy, root, gc, char_w, line_h, font->ascent, top, first_line, top + lines, offset, offset,
                     offset + visible);
      }
      if (!frame_done(dpy, root, gc, visual, n)) return 0;
      next_tick(&next, fps);
    }
  }
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
