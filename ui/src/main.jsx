import { createRoot } from "react-dom/client";
import "./styles.css";
import Dashboard from "./pages/Dashboard.jsx";
import Search from "./pages/Search.jsx";
import Deposit from "./pages/Deposit.jsx";
import Record from "./pages/Record.jsx";
import LinkedAccounts from "./pages/LinkedAccounts.jsx";
import Types from "./pages/Types.jsx";
import AdminHealth from "./pages/AdminHealth.jsx";
import NavSearch from "./components/NavSearch.jsx";

const PAGES = {
  dashboard: Dashboard,
  search: Search,
  deposit: Deposit,
  record: Record,
  collection: Search,
  "linked-accounts": LinkedAccounts,
  types: Types,
  "admin-health": AdminHealth,
};

const mount = document.getElementById("cap-app");
if (mount) {
  const props = JSON.parse(mount.dataset.props || "{}");
  const Page = PAGES[mount.dataset.page];
  if (Page) createRoot(mount).render(<Page {...props} />);
}

const navSearch = document.querySelector("form.nav-search");
if (navSearch) createRoot(navSearch).render(<NavSearch action={navSearch.getAttribute("action")} />);
