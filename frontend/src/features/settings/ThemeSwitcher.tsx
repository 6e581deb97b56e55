import type { Theme } from "../../api/types";
import { Icon, type IconName } from "../../components/Icon";
import { toast } from "../../components/Toast";
import { authStore } from "../../lib/auth-store";
import { errorMessage } from "../../lib/problem";
import { setThemePreference, useThemePreference } from "../../lib/theme";
import { useUpdateMe } from "../auth/api";

const OPTIONS: { value: Theme; label: string; icon: IconName }[] = [
  { value: "system", label: "System", icon: "monitor" },
  { value: "light", label: "Light", icon: "sun" },
  { value: "dark", label: "Dark", icon: "moon" },
];

/** Changes the theme at once (localStorage) and saves it to the account when signed in. */
export function useChangeTheme() {
  const update = useUpdateMe();
  return (theme: Theme) => {
    setThemePreference(theme);
    if (authStore.getState().status === "authenticated") {
      update.mutate({ theme }, { onError: (e) => toast(`Theme not saved to your account: ${errorMessage(e)}`) });
    }
  };
}

/** Compact three-way toggle (icon buttons) for headers and the sidebar. */
export function ThemeSwitcher({ compact = true }: { compact?: boolean }) {
  const pref = useThemePreference();
  const change = useChangeTheme();
  return (
    <div className="segmented" role="group" aria-label="Colour theme">
      {OPTIONS.map((o) => (
        <label key={o.value} title={`${o.label} theme`}>
          <input type="radio" name={compact ? "theme-compact" : "theme-full"} value={o.value} checked={pref === o.value} onChange={() => change(o.value)} aria-label={`${o.label} theme`} />
          <span style={compact ? { padding: "0.4rem 0.6rem", minHeight: 36 } : undefined}>
            <Icon name={o.icon} size={16} />
            {compact ? null : o.label}
          </span>
        </label>
      ))}
    </div>
  );
}
