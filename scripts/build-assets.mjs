#!/usr/bin/env node
// Build hrtool's front-end assets into static/dist/ (git-ignored).
//
//   npm ci && npm run build
//
// - compiles static/src/hrtool.scss -> static/dist/hrtool.css (compressed, no source map)
// - copies GOV.UK Frontend's ES module bundle -> static/dist/govuk-frontend.min.js
// - copies GOV.UK Frontend's assets/images -> static/dist/images (and manifest.json)
// - replaces the crown favicons with hrtool's own neutral icon (the councils are
//   not central government, so no crown anywhere), from static/src/images/
//
// Uses only Node built-ins plus the `sass` package.
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const govuk = join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk')
const src = join(root, 'static', 'src')
const dist = join(root, 'static', 'dist')

const rel = (p) => relative(root, p)
const log = (msg) => console.log(`build-assets: ${msg}`)

if (!existsSync(govuk)) {
  console.error(`build-assets: ${rel(govuk)} not found - run "npm ci" first`)
  process.exit(1)
}

rmSync(dist, { recursive: true, force: true })
mkdirSync(dist, { recursive: true })

// 1. Sass -> CSS. `pkg:govuk-frontend` is resolved by Sass's Node package importer
//    through the "sass" export condition in govuk-frontend's package.json.
const result = sass.compile(join(src, 'hrtool.scss'), {
  style: 'compressed',
  sourceMap: false,
  importers: [new sass.NodePackageImporter(root)]
})
const cssOut = join(dist, 'hrtool.css')
writeFileSync(cssOut, result.css + '\n')
log(`wrote ${rel(cssOut)} (${Math.round(result.css.length / 1024)} KiB)`)

// Guard the "no GDS Transport" rule: fail the build rather than ship the font.
if (/GDS Transport|@font-face/.test(result.css)) {
  console.error('build-assets: compiled CSS still contains GDS Transport / @font-face')
  process.exit(1)
}

// 2. JavaScript (ES module; initialised by static/js/init.js).
for (const name of ['govuk-frontend.min.js', 'govuk-frontend.min.js.map']) {
  const from = join(govuk, name)
  if (existsSync(from)) {
    copyFileSync(from, join(dist, name))
    log(`copied ${rel(from)} -> ${rel(join(dist, name))}`)
  }
}

// 3. Images (and manifest.json if present).
cpSync(join(govuk, 'assets', 'images'), join(dist, 'images'), { recursive: true })
log(`copied ${rel(join(govuk, 'assets', 'images'))} -> ${rel(join(dist, 'images'))}`)
const manifest = join(govuk, 'assets', 'manifest.json')
if (existsSync(manifest)) {
  copyFileSync(manifest, join(dist, 'manifest.json'))
  log(`copied ${rel(manifest)} -> ${rel(join(dist, 'manifest.json'))}`)
}

// 4. hrtool's own favicon replaces the GOV.UK (crown) one.
copyFileSync(join(src, 'images', 'favicon.svg'), join(dist, 'images', 'favicon.svg'))
writeFileSync(join(dist, 'images', 'favicon.ico'), faviconIco(48))
log('wrote hrtool favicon.svg and favicon.ico over the GOV.UK ones')

/**
 * A 48x48 32-bit ICO (BMP payload) drawn in code so no binary lives in git:
 * white bar-chart bars on the header's slate colour. Mirrors favicon.svg.
 */
function faviconIco (size) {
  const slate = [0x2b, 0x3a, 0x47] // #2b3a47 (RGB), same as $hr-slate in hrtool.scss
  const white = [0xff, 0xff, 0xff]
  const s = size / 16 // the design is on a 16x16 grid
  // bars: [x, y, w, h] in 16-grid units, from the bottom-left like a chart
  const bars = [[3, 8, 2.5, 5], [6.75, 4, 2.5, 9], [10.5, 6, 2.5, 7]]
  const pixel = (x, y) => { // y from the top
    const u = (x + 0.5) / s
    const v = (y + 0.5) / s
    return bars.some(([bx, by, bw, bh]) => u >= bx && u < bx + bw && v >= by && v < by + bh) ? white : slate
  }
  const xorSize = size * size * 4
  const andRow = Math.ceil(size / 32) * 4
  const andSize = andRow * size
  const bmp = Buffer.alloc(40 + xorSize + andSize)
  bmp.writeUInt32LE(40, 0) // BITMAPINFOHEADER size
  bmp.writeInt32LE(size, 4)
  bmp.writeInt32LE(size * 2, 8) // XOR + AND masks
  bmp.writeUInt16LE(1, 12) // planes
  bmp.writeUInt16LE(32, 14) // bits per pixel
  bmp.writeUInt32LE(xorSize + andSize, 20)
  let off = 40
  for (let row = size - 1; row >= 0; row--) { // bottom-up
    for (let x = 0; x < size; x++) {
      const [r, g, b] = pixel(x, row)
      bmp[off++] = b; bmp[off++] = g; bmp[off++] = r; bmp[off++] = 0xff
    }
  }
  // AND mask left all zero: every pixel opaque.
  const header = Buffer.alloc(6 + 16)
  header.writeUInt16LE(0, 0) // reserved
  header.writeUInt16LE(1, 2) // type: icon
  header.writeUInt16LE(1, 4) // one image
  header.writeUInt8(size, 6)
  header.writeUInt8(size, 7)
  header.writeUInt8(0, 8) // palette
  header.writeUInt8(0, 9)
  header.writeUInt16LE(1, 10) // planes
  header.writeUInt16LE(32, 12) // bpp
  header.writeUInt32LE(bmp.length, 14)
  header.writeUInt32LE(header.length, 18)
  return Buffer.concat([header, bmp])
}
