//! The routes of the citizen app, declared in one place: the whole app ([`App`]) and its landing
//! pages alone ([`Landing`], a bundle of its own for the first visit). The Worker answers the
//! landing bundle's page for `/`, `/co-quan` and `/thu-tuc/{code}` only, so any other page
//! reached from there is loaded afresh and gets the whole app.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::agency::provide_chosen;
use crate::components::layout::Layout;
use crate::pages::full_load::FullLoad;
use crate::pages::{
    account::Account, agencies::AgencyPicker, bill::BillPage, dossier::DossierPage, home::Home, link_payment::LinkPaymentPage, my_documents::MyDocuments, my_dossiers::MyDossiers,
    not_found::NotFound, pay_link::PayLinkPage, procedure::ProcedurePage, receipt::ReceiptPage, submit::SubmitPage,
};

#[component]
pub fn App() -> impl IntoView {
    provide_chosen();
    view! {
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/co-quan") view=AgencyPicker/>
                    <Route path=path!("/thu-tuc/:code") view=ProcedurePage/>
                    <Route path=path!("/thu-tuc/:code/nop") view=SubmitPage/>
                    <Route path=path!("/ho-so") view=MyDossiers/>
                    <Route path=path!("/ho-so/:id") view=DossierPage/>
                    <Route path=path!("/bien-lai/:code") view=ReceiptPage/>
                    <Route path=path!("/giay-to") view=MyDocuments/>
                    <Route path=path!("/tai-khoan") view=Account/>
                    <Route path=path!("/thanh-toan/:token") view=PayLinkPage/>
                    <Route path=path!("/nop-phi") view=BillPage/>
                    <Route path=path!("/nop-tien/:slug") view=LinkPaymentPage/>
                </Routes>
            </Layout>
        </Router>
    }
}

/// The landing pages: choosing the agency, finding the procedure, reading what it needs and
/// costs. Following a link anywhere else (the form, "Hồ sơ của tôi", the account) loads that
/// page from the server, which answers the whole app for it.
#[component]
pub fn Landing() -> impl IntoView {
    provide_chosen();
    view! {
        <Router>
            <Layout>
                <Routes fallback=|| view! { <FullLoad/> }>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/co-quan") view=AgencyPicker/>
                    <Route path=path!("/thu-tuc/:code") view=ProcedurePage/>
                </Routes>
            </Layout>
        </Router>
    }
}
