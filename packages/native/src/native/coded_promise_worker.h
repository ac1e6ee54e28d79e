// The libuv worker behind a promise-returning method of a codec object (encoder, decoder).
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <utility>

#include "js_error.h"

namespace rdshare {

/**
 * Runs Execute() on a libuv worker and settles a promise: resolved with Result(), or rejected with the coded error
 * of a Fail(code, message) from Execute(). `State` (its `busy`, `closed` and `Destroy()`) is shared with the
 * JavaScript object, so close() or garbage collection never frees it under the worker: the state is busy from the
 * worker's construction until it settles, and a close() that came meanwhile takes effect then. Subclasses keep the
 * references of the buffers they use off the JS thread.
 */
template <typename State>
class CodedPromiseWorker : public Napi::AsyncWorker {
 public:
  /** Queues the worker, which deletes itself once it settled; the promise it settles. */
  Napi::Promise Start() {
    Napi::Promise promise = deferred_.Promise();
    Queue();
    return promise;
  }

 protected:
  CodedPromiseWorker(Napi::Env env, const char* resource_name, std::shared_ptr<State> state)
      : Napi::AsyncWorker(env, resource_name), deferred_(Napi::Promise::Deferred::New(env)), state_(std::move(state)) {
    state_->busy = true;
  }

  /** What the promise resolves with, on the JS thread after a successful Execute(). */
  virtual Napi::Value Result() = 0;

  void Fail(const std::string& code, const std::string& message) {
    code_ = code;
    SetError(message);
  }

  State& state() { return *state_; }

 private:
  void OnOK() final {
    Settle();
    deferred_.Resolve(Result());
  }

  void OnError(const Napi::Error& e) final {
    Settle();
    deferred_.Reject(code_.empty() ? e.Value() : CodedError(Env(), code_, e.Message()).Value());
  }

  // Back on the JS thread: the next call may start, and a close() that came meanwhile takes effect now.
  void Settle() {
    state_->busy = false;
    if (state_->closed) state_->Destroy();
  }

  Napi::Promise::Deferred deferred_;
  std::shared_ptr<State> state_;
  std::string code_;
};

}  // namespace rdshare
