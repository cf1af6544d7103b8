//! The routes of the app, declared in one place.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::agency::provide_chosen;
use crate::components::layout::Layout;
use crate::pages::{
    account::Account, agencies::AgencyPicker, dossier::DossierPage, home::Home, my_dossiers::MyDossiers, not_found::NotFound,
    pay_link::PayLinkPage, procedure::ProcedurePage, receipt::ReceiptPage, submit::SubmitPage,
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
                    <Route path=path!("/tai-khoan") view=Account/>
                    <Route path=path!("/thanh-toan/:token") view=PayLinkPage/>
                </Routes>
            </Layout>
        </Router>
    }
}
