import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { bootstrapSession } from "./lib/api-client";
import { initTheme } from "./lib/theme";
import "./styles/global.css";

initTheme();
// Start restoring the session (refresh cookie → access token) while React renders.
void bootstrapSession();

const root = document.getElementById("root");
if (!root) throw new Error("#root missing");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
