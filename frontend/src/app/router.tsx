import { createBrowserRouter, Navigate } from "react-router";
import { LoadingBlock } from "../components/Feedback";
import { AppLayout } from "./layouts/AppLayout";
import { PublicLayout } from "./layouts/PublicLayout";
import { RootLayout } from "./layouts/RootLayout";
import { RequireAuth, RedirectIfAuthenticated } from "./guards";
import { NotFound, RouteError } from "./RouteError";

/** Every page is its own chunk; only the shell (layouts, router, query, auth) is in the initial bundle. */
export const router = createBrowserRouter([
  {
    element: <RootLayout />,
    errorElement: <RouteError />,
    hydrateFallbackElement: <LoadingBlock />,
    children: [
      {
        element: <PublicLayout />,
        errorElement: <RouteError />,
        children: [
          { index: true, lazy: async () => ({ Component: (await import("../features/marketing/LandingPage")).LandingPage }) },
          { path: "pricing", lazy: async () => ({ Component: (await import("../features/marketing/PricingPage")).PricingPage }) },
          { path: "privacy", lazy: async () => ({ Component: (await import("../features/marketing/LegalPages")).PrivacyPage }) },
          { path: "terms", lazy: async () => ({ Component: (await import("../features/marketing/LegalPages")).TermsPage }) },
          { path: "verify-email", lazy: async () => ({ Component: (await import("../features/auth/VerifyEmailPage")).VerifyEmailPage }) },
          { path: "reset-password", lazy: async () => ({ Component: (await import("../features/auth/ResetPasswordPage")).ResetPasswordPage }) },
          {
            element: <RedirectIfAuthenticated />,
            children: [
              { path: "signin", lazy: async () => ({ Component: (await import("../features/auth/SignInPage")).SignInPage }) },
              { path: "signup", lazy: async () => ({ Component: (await import("../features/auth/SignUpPage")).SignUpPage }) },
              { path: "forgot-password", lazy: async () => ({ Component: (await import("../features/auth/ForgotPasswordPage")).ForgotPasswordPage }) },
            ],
          },
          { path: "login", element: <Navigate to="/signin" replace /> },
          { path: "register", element: <Navigate to="/signup" replace /> },
        ],
      },
      {
        element: (
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        ),
        errorElement: <RouteError />,
        children: [
          { path: "dashboard", lazy: async () => ({ Component: (await import("../features/dashboard/DashboardPage")).DashboardPage }) },
          { path: "library", lazy: async () => ({ Component: (await import("../features/library/LibraryPage")).LibraryPage }) },
          { path: "library/:questionId", lazy: async () => ({ Component: (await import("../features/library/QuestionPage")).QuestionPage }) },
          { path: "practice", lazy: async () => ({ Component: (await import("../features/practice/StartSessionPage")).StartSessionPage }) },
          { path: "practice/:sessionId", lazy: async () => ({ Component: (await import("../features/practice/PracticeSessionPage")).PracticeSessionPage }) },
          { path: "sessions/:sessionId", lazy: async () => ({ Component: (await import("../features/results/SessionResultsPage")).SessionResultsPage }) },
          { path: "answers/:answerId", lazy: async () => ({ Component: (await import("../features/results/AnswerPage")).AnswerPage }) },
          { path: "history", lazy: async () => ({ Component: (await import("../features/history/HistoryPage")).HistoryPage }) },
          { path: "settings", element: <Navigate to="/settings/profile" replace /> },
          { path: "settings/:section", lazy: async () => ({ Component: (await import("../features/settings/SettingsPage")).SettingsPage }) },
          { path: "billing", element: <Navigate to="/settings/billing" replace /> },
          { path: "billing/success", element: <Navigate to="/settings/billing?checkout=success" replace /> },
          { path: "billing/cancel", element: <Navigate to="/settings/billing?checkout=cancel" replace /> },
          { path: "admin", element: <Navigate to="/admin/questions" replace /> },
          { path: "admin/questions", lazy: async () => ({ Component: (await import("../features/admin/AdminQuestionsPage")).AdminQuestionsPage }) },
        ],
      },
      { path: "*", element: <NotFound /> },
    ],
  },
]);
