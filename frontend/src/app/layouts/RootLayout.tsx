import { Outlet, ScrollRestoration, useNavigation } from "react-router";
import { ToastRegion } from "../../components/Toast";

function NavigationProgress() {
  const navigation = useNavigation();
  if (navigation.state === "idle") return null;
  return (
    <div
      role="progressbar"
      aria-label="Loading page"
      style={{ position: "fixed", top: 0, left: 0, right: 0, height: 3, zIndex: 100, background: "var(--primary)", animation: "pulse 1s infinite" }}
    />
  );
}

export function RootLayout() {
  return (
    <>
      <NavigationProgress />
      <Outlet />
      <ToastRegion />
      <ScrollRestoration />
    </>
  );
}
