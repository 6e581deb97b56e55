import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { RouterProvider } from "react-router";
import { authStore } from "../lib/auth-store";
import { createQueryClient } from "./query-client";
import { router } from "./router";

export function App() {
  const [queryClient] = useState(createQueryClient);
  useEffect(() => {
    let previous = authStore.getState().status;
    return authStore.subscribe(() => {
      const status = authStore.getState().status;
      // When a session ends (sign-out, refresh failure) drop every cached private response.
      if (previous === "authenticated" && status === "anonymous") queryClient.clear();
      previous = status;
    });
  }, [queryClient]);
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
