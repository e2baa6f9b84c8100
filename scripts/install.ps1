<#
.SYNOPSIS
  Installs Table rase on Windows: copies the host, registers it with the browsers found
  (registry, 64-bit view), then runs `tablerase doctor`.
.DESCRIPTION
  Per-machine (default, needs an elevated PowerShell): C:\Program Files\TableRase\tablerase.exe,
  keys under HKLM. Per-user (-User, no privileges): %LOCALAPPDATA%\TableRase\tablerase.exe, keys
  under HKCU. For fleets prefer the MSI (GPO, Intune, SCCM); this script is for a few machines.
.EXAMPLE
  .\install.ps1 -Binary .\tablerase-windows-amd64.exe -Policies
.EXAMPLE
  .\install.ps1 -User
.EXAMPLE
  .\install.ps1 -Uninstall
#>
[CmdletBinding()]
param(
  [switch]$User,
  [switch]$Policies,
  [string]$Browsers = "all",
  [string]$Binary = "",
  [switch]$Uninstall
)
$ErrorActionPreference = "Stop"

$level = if ($User) { "--user" } else { "--system" }
if (-not $User) {
  $admin = ([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole(
    [Security.Principal.WindowsBuiltInRole]::Administrator)
  if (-not $admin) {
    Write-Error "Per-machine install needs an elevated PowerShell (Run as administrator), or use -User."
    exit 1
  }
  $dir = Join-Path $env:ProgramFiles "TableRase"
} else {
  $dir = Join-Path $env:LOCALAPPDATA "TableRase"
}
$exe = Join-Path $dir "tablerase.exe"

if ($Uninstall) {
  if (Test-Path $exe) { & $exe uninstall $level --host-path $exe }
  Remove-Item -Force -ErrorAction SilentlyContinue $exe
  Get-ChildItem -Path $dir -Filter "fr.tablerase.host.*.json" -ErrorAction SilentlyContinue | Remove-Item -Force
  if ((Test-Path $dir) -and -not (Get-ChildItem $dir -Force)) { Remove-Item $dir }
  Write-Host "Table rase removed."
  exit 0
}

if (-not $Binary) {
  $arch = if ($env:PROCESSOR_ARCHITECTURE -eq "ARM64") { "arm64" } else { "amd64" }
  $Binary = Join-Path (Split-Path -Parent $PSScriptRoot) "dist\tablerase-windows-$arch.exe"
}
if (-not (Test-Path $Binary)) {
  Write-Error "$Binary not found: build it with scripts/build.sh, or give -Binary."
  exit 1
}
New-Item -ItemType Directory -Force -Path $dir | Out-Null
Copy-Item -Force $Binary "$exe.new"
Move-Item -Force "$exe.new" $exe

$cliArgs = @("install", $level, "--browsers", $Browsers, "--host-path", $exe)
if ($Policies) { $cliArgs += "--policies" }
& $exe @cliArgs
if ($LASTEXITCODE -ne 0) { Write-Error "tablerase install failed (see above)."; exit $LASTEXITCODE }
Write-Host ""
& $exe doctor
if ($LASTEXITCODE -ne 0) { Write-Warning "doctor reports a problem above; fix it, then run: tablerase doctor" }
