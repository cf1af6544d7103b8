//! Files picked for a dossier but not yet uploaded, kept on the phone in IndexedDB (the one
//! browser store that holds a `Blob`): the bytes ready to send (after a photo was downscaled),
//! the name, both sizes and the multipart session on the server, under the draft's key. After a
//! reload or a closed tab the form finds them here and resumes; a file is forgotten once it is
//! uploaded or removed. Written against the browser's own API (web-sys), so no JavaScript file
//! joins the bundle and the offline app shell stays one wasm module.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

const DB: &str = "motcua";
const VERSION: u32 = 1;
const STORE: &str = "pending_uploads";

/// One pending file.
#[derive(Clone)]
pub struct PendingFile {
    /// Stable across reloads (the form's row keys are not).
    pub id: String,
    /// The draft it belongs to (`{procedure}.{agency}`, as `use_draft`'s key).
    pub draft: String,
    pub name: String,
    /// Size as picked on the phone; `blob.size()` is what goes up.
    pub original: f64,
    pub blob: Blob,
    /// The server's multipart session, once started.
    pub multipart: Option<String>,
}

/// An id for a new pending file: the time in hex (fixed width until the year 10889), then
/// randomness, so IndexedDB, which lists by key, lists files in the order they were picked.
pub fn new_id() -> String {
    format!("{:x}{:x}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e12) as u64)
}

/// Resolves when `req` succeeds, with its result.
async fn finish(req: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        req.set_onsuccess(Some(&resolve));
        req.set_onerror(Some(&reject));
    });
    JsFuture::from(promise).await?;
    req.result()
}

async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = web_sys::window().ok_or("no window")?.indexed_db()?.ok_or("no IndexedDB")?;
    let req: IdbOpenDbRequest = factory.open_with_u32(DB, VERSION)?;
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        let Some(target) = e.target() else { return };
        let req: IdbOpenDbRequest = target.unchecked_into();
        if let Ok(db) = req.result().map(|r| r.unchecked_into::<IdbDatabase>()) {
            if !db.object_store_names().contains(STORE) {
                let _ = db.create_object_store(STORE);
            }
        }
    });
    req.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let db = finish(&req).await;
    req.set_onupgradeneeded(None);
    drop(upgrade);
    Ok(db?.unchecked_into())
}

fn store(db: &IdbDatabase, mode: IdbTransactionMode) -> Result<web_sys::IdbObjectStore, JsValue> {
    db.transaction_with_str_and_mode(STORE, mode)?.object_store(STORE)
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &key.into(), value);
}

fn text(obj: &JsValue, key: &str) -> Option<String> {
    Reflect::get(obj, &key.into()).ok()?.as_string()
}

fn number(obj: &JsValue, key: &str) -> f64 {
    Reflect::get(obj, &key.into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
}

fn to_js(f: &PendingFile) -> Object {
    let obj = Object::new();
    set(&obj, "id", &f.id.as_str().into());
    set(&obj, "draft", &f.draft.as_str().into());
    set(&obj, "name", &f.name.as_str().into());
    set(&obj, "original", &f.original.into());
    set(&obj, "blob", &f.blob);
    set(&obj, "multipart", &f.multipart.as_deref().map(JsValue::from).unwrap_or(JsValue::NULL));
    obj
}

fn from_js(v: &JsValue) -> Option<PendingFile> {
    Some(PendingFile {
        id: text(v, "id")?,
        draft: text(v, "draft")?,
        name: text(v, "name")?,
        original: number(v, "original"),
        blob: Reflect::get(v, &"blob".into()).ok()?.dyn_into().ok()?,
        multipart: text(v, "multipart"),
    })
}

/// Saves (or updates) a pending file. Failures are only logged: without IndexedDB (some
/// private modes) the form still works, it just cannot survive a reload.
pub async fn save(f: &PendingFile) {
    let result = async {
        let db = open().await?;
        finish(&store(&db, IdbTransactionMode::Readwrite)?.put_with_key(&to_js(f), &f.id.as_str().into())?).await?;
        db.close();
        Ok::<_, JsValue>(())
    };
    if let Err(e) = result.await {
        web_sys::console::warn_2(&"pending upload not saved".into(), &e);
    }
}

pub async fn delete(id: &str) {
    let result = async {
        let db = open().await?;
        finish(&store(&db, IdbTransactionMode::Readwrite)?.delete(&id.into())?).await?;
        db.close();
        Ok::<_, JsValue>(())
    };
    if let Err(e) = result.await {
        web_sys::console::warn_2(&"pending upload not deleted".into(), &e);
    }
}

/// The pending files of one draft, in the order they were picked (see [`new_id`]).
pub async fn of_draft(draft: &str) -> Vec<PendingFile> {
    let result = async {
        let db = open().await?;
        let all = finish(&store(&db, IdbTransactionMode::Readonly)?.get_all()?).await?;
        db.close();
        Ok::<_, JsValue>(all)
    };
    let Ok(all) = result.await else { return Vec::new() };
    js_sys::Array::from(&all).iter().filter_map(|v| from_js(&v)).filter(|f| f.draft == draft).collect()
}
