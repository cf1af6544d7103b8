//! The routes of the citizen app, declared in one place. A first visit of `/`, `/co-quan` or
//! `/thu-tuc/{code}` gets those pages written whole by the Worker (`motcua_domain::pages`, no
//! wasm); once the app runs (any other page, or inside a portal's frame) it draws them itself,
//! with the same markup for their data (the cards, facts and fee table come from the domain).

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::agency::provide_chosen;
use crate::components::layout::Layout;
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
