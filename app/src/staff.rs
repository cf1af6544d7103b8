//! The staff app (a bundle of its own, built with the `staff` feature): the one-stop desk under
//! `/can-bo` (with refunds, bills without a dossier, and for admins administration, reconciliation and the national
//! portal's sync) and the leaders' dashboard under `/lanh-dao`. Every page needs a staff session;
//! the server decides what each person may see.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;
use motcua_domain::auth::StaffProfile;

use crate::api;
use crate::pages::dashboard::Dashboard;
use crate::pages::desk::{
    admin::Admin, bills::Bills, dossier::DeskDossier, inbox::Inbox, national_catalog::NationalCatalog, national_sync::NationalSync, reconcile::Reconcile, refunds::Refunds,
    reports::Reports, sheet::ControlSheet, walk_in::WalkIn,
};
use crate::pages::not_found::NotFound;
use crate::pages::staff_login::StaffLogin;

/// The signed-in staff member, shared with every staff page (`None` until known or when out).
#[derive(Clone, Copy)]
pub struct StaffContext {
    pub me: RwSignal<Option<StaffProfile>>,
    pub checked: RwSignal<bool>,
}

pub fn use_staff() -> StaffContext {
    expect_context::<StaffContext>()
}

#[component]
pub fn StaffApp() -> impl IntoView {
    let ctx = StaffContext { me: RwSignal::new(None), checked: RwSignal::new(false) };
    provide_context(ctx);
    leptos::task::spawn_local(async move {
        ctx.me.set(api::auth::staff_me().await.ok());
        ctx.checked.set(true);
    });
    view! {
        <Router>
            <header class="top staff no-print">
                <a href="/can-bo" class="brand"><span class="emblem" aria-hidden="true">"★"</span><span>"Một cửa — Cán bộ"</span></a>
                {move || ctx.me.get().map(|m| view! { <span class="who">{m.display_name}</span> })}
                // The printable poster of the officer's (first) agency, for the desk's wall.
                {move || ctx.me.get().and_then(|m| m.agencies.first().cloned()).map(|code| view! {
                    <a class="poster-link" href=format!("/ap-phich/{code}") target="_blank" rel="external noopener">"In áp phích"</a>
                })}
            </header>
            <main id="main">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/can-bo") view=Inbox/>
                    <Route path=path!("/can-bo/dang-nhap") view=StaffLogin/>
                    <Route path=path!("/lanh-dao") view=Dashboard/>
                    <Route path=path!("/can-bo/tiep-nhan") view=WalkIn/>
                    <Route path=path!("/can-bo/ho-so/:id") view=DeskDossier/>
                    <Route path=path!("/can-bo/ho-so/:id/phieu-kiem-soat") view=ControlSheet/>
                    <Route path=path!("/can-bo/quan-tri") view=Admin/>
                    <Route path=path!("/can-bo/doi-soat") view=Reconcile/>
                    <Route path=path!("/can-bo/hoan-tien") view=Refunds/>
                    <Route path=path!("/can-bo/khoan-phai-nop") view=Bills/>
                    <Route path=path!("/can-bo/dong-bo-dvcqg") view=NationalSync/>
                    <Route path=path!("/can-bo/danh-muc-quoc-gia") view=NationalCatalog/>
                    <Route path=path!("/can-bo/phan-anh") view=Reports/>
                </Routes>
            </main>
            <nav class="bottom no-print" aria-label="Điều hướng cán bộ">
                <A href="/can-bo">"Hồ sơ"</A>
                <A href="/can-bo/tiep-nhan">"Tiếp nhận"</A>
                <A href="/can-bo/hoan-tien">"Hoàn tiền"</A>
                // "Khoản thu" fits the bar at 360 px; the page is "Khoản phải nộp".
                <A href="/can-bo/khoan-phai-nop">"Khoản thu"</A>
                {move || ctx.me.get().filter(|m| m.role == "admin" || m.role == "national").map(|_| view! {
                    <A href="/can-bo/doi-soat">"Đối soát"</A>
                    <A href="/can-bo/quan-tri">"Quản trị"</A>
                    // "Đồng bộ" fits the bar at 360 px; the link's name says where it goes.
                    <A href="/can-bo/dong-bo-dvcqg">"Đồng bộ"<span class="visually-hidden">" Cổng DVCQG"</span></A>
                })}
                <A href="/lanh-dao">"Thống kê"</A>
            </nav>
        </Router>
    }
}
