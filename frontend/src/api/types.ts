/**
 * Friendly aliases for API shapes, derived from the generated `paths` (not from schema names, which are an
 * implementation detail of the backend's spec generator). If the spec changes, these follow automatically.
 */
import type { paths } from "./paths";

export type ApiPath = keyof paths;
type Method = "get" | "post" | "patch" | "delete" | "put";
type OpOf<P extends ApiPath, M extends Method> = M extends keyof paths[P] ? NonNullable<paths[P][M]> : never;
type JsonOf<T> = T extends { content: { "application/json": infer J } } ? J : never;
type ResponsesOf<P extends ApiPath, M extends Method> = OpOf<P, M> extends { responses: infer R } ? R : never;

/** The JSON body of a success response (first of 200/201/202 that has one). */
export type ApiResponse<P extends ApiPath, M extends Method> = ResponsesOf<P, M> extends infer R
  ? 200 extends keyof R
    ? JsonOf<R[200]>
    : 201 extends keyof R
      ? JsonOf<R[201]>
      : 202 extends keyof R
        ? JsonOf<R[202]>
        : never
  : never;

/** The JSON request body. */
export type ApiBody<P extends ApiPath, M extends Method> = OpOf<P, M> extends { requestBody?: infer B }
  ? JsonOf<NonNullable<B>>
  : never;

export type AuthResponse = ApiResponse<"/api/v1/auth/login", "post">;
export type Me = ApiResponse<"/api/v1/me", "get">;
export type UserRole = Me["role"];
export type UpdateMe = ApiBody<"/api/v1/me", "patch">;
export type Theme = Me["theme"];
export type Usage = ApiResponse<"/api/v1/me/usage", "get">;
export type ActivityPage = ApiResponse<"/api/v1/me/activity", "get">;
export type Activity = ActivityPage["items"][number];
export type Role = ApiResponse<"/api/v1/roles", "get">["items"][number];
export type QuestionPage = ApiResponse<"/api/v1/questions", "get">;
export type QuestionSummary = QuestionPage["items"][number];
export type Question = ApiResponse<"/api/v1/questions/{id}", "get">;
export type Category = Question["category"];
export type Difficulty = Question["difficulty"];
export type CaseBlock = NonNullable<Question["case"]>;
export type Exhibit = CaseBlock["exhibits"][number];
export type CreateSession = ApiBody<"/api/v1/sessions", "post">;
export type Session = ApiResponse<"/api/v1/sessions/{id}", "get">;
export type SessionListItem = ApiResponse<"/api/v1/sessions", "get">["items"][number];
export type SessionQuestion = Session["questions"][number];
export type Answer = ApiResponse<"/api/v1/answers/{id}", "get">;
export type Evaluation = ApiResponse<"/api/v1/answers/{id}/evaluation", "get">;
export type EvaluationStatus = Evaluation["status"];
export type ExhibitCell = Exhibit["rows"][number][number];
export type ProgressQuery = NonNullable<NonNullable<paths["/api/v1/progress"]["get"]["parameters"]["query"]>>;
export type Progress = ApiResponse<"/api/v1/progress", "get">;
export type Recommendation = Progress["recommended_questions"][number];
export type DeletionScheduled = ApiResponse<"/api/v1/me", "delete">;
export type PlansResponse = ApiResponse<"/api/v1/billing/plans", "get">;
export type Plan = PlansResponse["plans"][number];
export type Price = Plan["prices"][number];
export type Subscription = ApiResponse<"/api/v1/billing/subscription", "get">;
export type CheckoutRequest = ApiBody<"/api/v1/billing/checkout", "post">;
export type BillingInterval = CheckoutRequest["interval"];
/** A question's full definition (admin): what `GET /admin/questions/{id}` returns and `POST /admin/questions` takes. */
export type QuestionSpec = ApiResponse<"/api/v1/admin/questions/{id}", "get">;
export type AdminQuestionInput = ApiBody<"/api/v1/admin/questions", "post">;

export const CATEGORIES: readonly Category[] = [
  "behavioral",
  "technical",
  "system_design",
  "product",
  "case",
  "estimation",
  "situational",
] as const;
export const DIFFICULTIES: readonly Difficulty[] = ["easy", "medium", "hard"] as const;
