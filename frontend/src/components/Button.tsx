import type { ButtonHTMLAttributes, ReactNode } from "react";
import { Spinner } from "./Feedback";

type Variant = "primary" | "secondary" | "danger" | "ghost";
type Size = "sm" | "md" | "lg";

export function buttonClass(variant: Variant = "secondary", size: Size = "md", extra?: string): string {
  return ["btn", variant !== "secondary" && `btn-${variant}`, size !== "md" && `btn-${size}`, extra].filter(Boolean).join(" ");
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: Size;
  loading?: boolean;
  loadingText?: string;
  block?: boolean;
  children: ReactNode;
}

export function Button({ variant = "secondary", size = "md", loading, loadingText, block, className, disabled, children, type, ...rest }: ButtonProps) {
  return (
    <button
      type={type ?? "button"}
      className={buttonClass(variant, size, [block && "btn-block", className].filter(Boolean).join(" "))}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      {...rest}
    >
      {loading ? <Spinner size="sm" /> : null}
      {loading && loadingText ? loadingText : children}
    </button>
  );
}
