//! `use_poll_while`: fetches a value now and again every `interval` while a predicate on the
//! last answer says to keep asking (a payment still pending, a QR code shown). One request at a
//! time: the next is scheduled only once the answer is in. Polling stops when the predicate says
//! so and when the component goes away, which also aborts the request in flight. While the tab
//! is hidden nothing is asked; coming back asks at once. An answer equal to the last one changes
//! nothing on the page (a view polled for minutes is not rebuilt under the person's fingers).
//!
//! ```ignore
//! let UsePollWhileReturn { data, refetch, .. } = use_poll_while(
//!     move |signal| api::dossiers::get_one(&id).signal(signal),
//!     |d: &DossierDetail| d.payments.iter().any(|p| p.status == "pending"),
//!     Duration::from_secs(3),
//! );
//! ```

use std::future::IntoFuture;
use std::time::Duration;

use leptos::leptos_dom::helpers::{document, window_event_listener_untyped, TimeoutHandle, WindowListenerHandle};
use leptos::prelude::*;
use web_sys::AbortSignal;

use crate::api::{use_abort, ApiFailure, UseAbort};

pub struct UsePollWhileOptions<F, P> {
    /// Makes the request, given the signal that cancels it.
    pub fetch: F,
    /// Whether to ask again after this answer (read other signals untracked inside).
    pub keep_polling: P,
    pub interval: Duration,
    /// Fetch at once (default) or wait for the first [`UsePollWhileReturn::refetch`].
    pub immediate: bool,
}

pub struct UsePollWhileReturn<T: Send + Sync + 'static> {
    /// The last answer (`None` until the first one).
    pub data: Signal<Option<Result<T, ApiFailure>>>,
    /// Replaces the answer (e.g. with the value a write answered), and polls on from it if the
    /// predicate says so.
    pub set: Callback<T>,
    /// Asks now, then polls while the predicate holds (after a change that makes it true again,
    /// e.g. a payment started).
    pub refetch: Callback<()>,
    /// Whether a next request is scheduled or in flight.
    #[allow(dead_code)] // the hook's shape; the pages show their own waiting notice
    pub polling: Signal<bool>,
}

pub fn use_poll_while<T, F, R, P>(fetch: F, keep_polling: P, interval: Duration) -> UsePollWhileReturn<T>
where
    T: PartialEq + Send + Sync + 'static,
    F: Fn(Option<AbortSignal>) -> R + 'static,
    R: IntoFuture<Output = Result<T, ApiFailure>>,
    R::IntoFuture: 'static,
    P: Fn(&T) -> bool + 'static,
{
    use_poll_while_with_options(UsePollWhileOptions { fetch, keep_polling, interval, immediate: true })
}

/// The hook's state, `Copy` so the timer and the answers can restart it.
struct Poll<T: Send + Sync + 'static, F, P> {
    data: RwSignal<Option<Result<T, ApiFailure>>>,
    polling: RwSignal<bool>,
    fetch: StoredValue<F, LocalStorage>,
    keep: StoredValue<P, LocalStorage>,
    timer: StoredValue<Option<TimeoutHandle>, LocalStorage>,
    visibility: StoredValue<Option<WindowListenerHandle>, LocalStorage>,
    /// Set when the component went away: nothing is scheduled after that.
    stopped: StoredValue<bool>,
    abort: UseAbort,
    interval: Duration,
}

impl<T: Send + Sync + 'static, F, P> Clone for Poll<T, F, P> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static, F, P> Copy for Poll<T, F, P> {}

impl<T, F, R, P> Poll<T, F, P>
where
    T: PartialEq + Send + Sync + 'static,
    F: Fn(Option<AbortSignal>) -> R + 'static,
    R: IntoFuture<Output = Result<T, ApiFailure>>,
    R::IntoFuture: 'static,
    P: Fn(&T) -> bool + 'static,
{
    fn live(self) -> bool {
        self.stopped.try_get_value() == Some(false)
    }

    fn cancel_timer(self) {
        if let Some(Some(t)) = self.timer.try_update_value(Option::take) {
            t.clear();
        }
    }

    /// Asks now (aborting a request still in flight: the newer answer wins).
    fn run(self) {
        if !self.live() {
            return;
        }
        self.cancel_timer();
        let Some(request) = self.fetch.try_with_value(|f| f(self.abort.next()).into_future()) else { return };
        self.polling.set(true);
        leptos::task::spawn_local(async move {
            let answer: Result<T, ApiFailure> = request.await;
            if !self.live() || answer.as_ref().is_err_and(ApiFailure::is_aborted) {
                return;
            }
            let answer = Some(answer);
            self.data.maybe_update(|d| {
                let changed = *d != answer;
                if changed {
                    *d = answer;
                }
                changed
            });
            self.schedule();
        });
    }

    /// Whether the last answer asks for another.
    fn wants_more(self) -> bool {
        self.data.with_untracked(|d| matches!(d, Some(Ok(v)) if self.keep.try_with_value(|keep| keep(v)).unwrap_or(false)))
    }

    /// Schedules the next request if the last answer asks for one (not while the tab is hidden).
    fn schedule(self) {
        self.cancel_timer();
        let again = self.wants_more();
        if again && self.live() && !document().hidden() {
            let handle = set_timeout_with_handle(move || self.run(), self.interval).ok();
            self.timer.set_value(handle);
        }
        self.polling.set(again);
    }
}

pub fn use_poll_while_with_options<T, F, R, P>(options: UsePollWhileOptions<F, P>) -> UsePollWhileReturn<T>
where
    T: PartialEq + Send + Sync + 'static,
    F: Fn(Option<AbortSignal>) -> R + 'static,
    R: IntoFuture<Output = Result<T, ApiFailure>>,
    R::IntoFuture: 'static,
    P: Fn(&T) -> bool + 'static,
{
    let poll = Poll {
        data: RwSignal::new(None),
        polling: RwSignal::new(false),
        fetch: StoredValue::new_local(options.fetch),
        keep: StoredValue::new_local(options.keep_polling),
        timer: StoredValue::new_local(None),
        visibility: StoredValue::new_local(None),
        stopped: StoredValue::new(false),
        abort: use_abort(),
        interval: options.interval,
    };
    // Back in view: ask now if the last answer wanted more (the timer was not set while hidden).
    let listener = window_event_listener_untyped("visibilitychange", move |_| {
        if poll.live() && !document().hidden() && poll.wants_more() && poll.timer.with_value(Option::is_none) {
            poll.run();
        }
    });
    poll.visibility.set_value(Some(listener));
    on_cleanup(move || {
        poll.stopped.try_set_value(true);
        poll.cancel_timer();
        poll.abort.abort();
        if let Some(Some(l)) = poll.visibility.try_update_value(Option::take) {
            l.remove();
        }
    });
    if options.immediate {
        poll.run();
    }
    UsePollWhileReturn {
        data: poll.data.into(),
        set: Callback::new(move |value: T| {
            poll.abort.abort();
            poll.data.set(Some(Ok(value)));
            poll.schedule();
        }),
        refetch: Callback::new(move |_| poll.run()),
        polling: poll.polling.into(),
    }
}
