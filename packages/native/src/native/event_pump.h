// The thread that owns the event connection: it reads damage, cursor, RandR, XKB indicator,
// window-structure and XInput 2 raw motion events as they arrive, keeps the cached state current and
// tells its owner when there is something to deliver. Nothing here runs on the JavaScript thread.
#pragma once

#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cursor_image.h"
#include "rect.h"
#include "window_list.h"

namespace rdshare {

struct LockState {
  bool caps = false;
  bool num = false;
  bool scroll = false;
  bool operator!=(const LockState& o) const { return caps != o.caps || num != o.num || scroll != o.scroll; }
};

/** Everything that happened since the previous delivery. */
struct Delivery {
  std::vector<Rect> damage;
  bool resized = false;
  int width = 0, height = 0;
  std::shared_ptr<const CursorImage> cursor;  // set when the shape changed
  bool moved = false;
  int pointer_x = 0, pointer_y = 0;
  std::vector<WindowChange> window_changes;
  bool popups_changed = false;
  std::vector<WindowRecord> popups;  // the whole current list when it changed
  bool locks_changed = false;
  LockState locks;
  bool lost = false;
};

class EventPump {
 public:
  ~EventPump() { Stop(); }

  /** Connects and reads the initial state; `code`/`error` explain a failure. */
  bool Open(const std::string& name, std::string* code, std::string* error);
  void Start(std::function<void()> notify);
  void Stop();

  /** Which optional streams are wanted; damage is only tracked (XDamage object alive) while wanted. */
  void SetInterest(bool damage, bool pointer, int damage_interval_ms);

  Delivery Take();

  int width() const { return width_.load(); }
  int height() const { return height_.load(); }
  int depth() const { return depth_; }
  /** Whether the event connection broke: the X server exited or dropped this client. */
  bool lost() const { return dead_.load(); }
  std::shared_ptr<const CursorImage> cursor();
  std::vector<WindowRecord> windows();
  std::vector<WindowRecord> popups();
  LockState locks();

  /** Whether pointer motion arrives as XInput 2 raw events; without XI 2 the position is sampled. */
  bool raw_motion() const { return xi_opcode_ >= 0; }
  /** XQueryPointer round trips made by the event thread, so that tests can prove it does not poll. */
  uint64_t pointer_queries() const { return pointer_queries_.load(); }

 private:
  void Run();
  void Handle(XEvent& event);
  void ApplyInterest();
  void Wake();
  void Signal(std::unique_lock<std::mutex>& lock);
  void RefreshCursor();
  void RefreshWindows();
  void ReadLocks(unsigned int state);
  void QueryPointer();

  Display* dpy_ = nullptr;
  Window root_ = 0;
  int depth_ = 0;
  std::atomic<int> width_{0}, height_{0};
  int damage_event_ = 0, fixes_event_ = 0, randr_event_ = 0, xkb_event_ = 0;
  int caps_index_ = -1, num_index_ = -1, scroll_index_ = -1;
  Damage damage_ = 0;
  XserverRegion region_ = 0;
  std::unique_ptr<WindowLister> lister_;
  bool windows_dirty_ = false;
  int pointer_x_ = -1, pointer_y_ = -1;
  int xi_opcode_ = -1;            // XInputExtension's major opcode when it offers XI 2, else -1
  bool motion_selected_ = false;  // raw motion is selected on the root
  bool motion_seen_ = false;      // raw motion arrived since the last pointer query
  std::atomic<uint64_t> pointer_queries_{0};

  std::thread thread_;
  bool started_ = false;  // written before the thread exists, read by it
  int wake_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<bool> dead_{false};
  std::atomic<bool> want_damage_{false}, want_pointer_{false};
  std::atomic<int> damage_interval_ms_{0};
  std::chrono::steady_clock::time_point last_damage_signal_{};
  std::function<void()> notify_;

  std::mutex mu_;  // guards everything below
  bool signalled_ = false;
  Delivery pending_;
  std::shared_ptr<const CursorImage> cursor_;
  std::vector<WindowRecord> windows_;
  std::vector<WindowRecord> popups_;
  LockState locks_;
};

}  // namespace rdshare
