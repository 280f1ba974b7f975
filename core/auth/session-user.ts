/** The logged-in user as the legacy app's Flask-Login `current_user` sees it. */
export type SessionUser = {
  id: string
  email: string
  nome: string
}
