-- Pandoc filter: the official look that Markdown cannot say.
--
-- * placeholders and missing-text marks keep a visible character style;
-- * the cover page's title and lines get the cover styles;
-- * tables span the whole type area.

local PLACEHOLDER_STYLE = "Placeholder"
local MISSING_STYLE = "Missing Text"
local COVER_LINES_BEFORE_TITLE = 6

function Span(span)
  if span.classes:includes("placeholder") then
    span.attributes["custom-style"] = PLACEHOLDER_STYLE
    return span
  end
  if span.classes:includes("missing") then
    span.attributes["custom-style"] = MISSING_STYLE
    return span
  end
end

local function styled(style, inlines)
  return pandoc.Div({pandoc.Para(inlines)}, {["custom-style"] = style})
end

local function empty_lines(count)
  return pandoc.RawBlock("openxml", string.rep("<w:p/>", count))
end

-- Captions are written by the build (表1 …, 图1 …) as divs, the same on the site;
-- 表题 and 图题 share one style, so they look alike.
local CAPTION_STYLES = {
  ["table-caption"] = "Caption",
  ["figure-caption"] = "Caption",
  ["chart-missing"] = "Caption",
}

-- 署名 and 成文日期 (GB/T 9704 §7.3.5): one empty line above, set right; the build's
-- typesetting gives each the right-hand indent the standard asks for.
local function signature(div)
  local blocks = {empty_lines(1)}
  for index, block in ipairs(div.content) do
    if block.t == "Para" or block.t == "Plain" then
      table.insert(blocks, styled(index == 1 and "Signature" or "Signature Date", block.content))
    end
  end
  return blocks
end

-- photos() lays out two photos to a page: every pair after the first starts a new one
local PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'

function Div(div)
  if div.classes:includes("signature") then
    return signature(div)
  end
  if div.classes:includes("photos") then
    if div.classes:includes("next-page") then
      table.insert(div.content, 1, pandoc.RawBlock("openxml", PAGE_BREAK))
    end
    return div.content
  end
  for class, style in pairs(CAPTION_STYLES) do
    if div.classes:includes(class) then
      div.attributes["custom-style"] = style
      return div
    end
  end
  if not div.classes:includes("cover") then
    return nil
  end
  local blocks = {empty_lines(COVER_LINES_BEFORE_TITLE)}
  for _, block in ipairs(div.content) do
    if block.t == "Header" then
      table.insert(blocks, styled("Title", block.content))
      table.insert(blocks, empty_lines(4))
    elseif block.t == "Div" and block.attributes["custom-style"] == "Title" then
      -- the title as the build set it, its lines broken between words
      table.insert(blocks, block)
      table.insert(blocks, empty_lines(4))
    elseif block.t == "Para" or block.t == "Plain" then
      table.insert(blocks, styled("Cover Info", block.content))
    else
      table.insert(blocks, block)
    end
  end
  return blocks
end

-- Columns without a width would be sized against a fixed page width. Each column
-- gets what its longest cell needs; when the table is too narrow for all of them,
-- columns are narrowed where it costs the fewest extra lines (a 备注 column with
-- one long note wraps before a 指标 column whose every label is long).
-- Cells are set in the table styles, header centred, not in the body's indented one.
local TABLE_TEXT_STYLE = "Table Text"
local TABLE_HEADER_STYLE = "Table Header"
local MIN_WIDTH = 3  -- a two-character header still needs room for its cell margins
local CELL_PADDING = 1  -- the cell's left and right margins, in characters
local STEP = 0.5  -- narrow by half a character at a time
local table_chars = 30  -- characters of cell text across the type area; set from the metadata

function Meta(meta)
  local chars = meta["shenbao-table-chars"]
  if chars then table_chars = tonumber(pandoc.utils.stringify(chars)) or table_chars end
end

-- Width in characters: Chinese 1, Latin letters and digits 1/2.
local function text_width(text)
  local width = 0
  for _, code in utf8.codes(text) do
    width = width + ((code >= 0x2E80 or (code >= 0x2010 and code <= 0x201F)) and 1 or 0.5)
  end
  return width
end

local function restyle(cell, style)
  -- pandoc gives cell text (Plain) the Compact style; as paragraphs it takes ours
  local blocks = cell.contents:map(function(block)
    return block.t == "Plain" and pandoc.Para(block.content) or block
  end)
  if #blocks == 0 then blocks = {pandoc.Para({})} end
  cell.contents = {pandoc.Div(blocks, {["custom-style"] = style})}
end

-- Lines the whole table takes with these column widths: each row as tall as its tallest cell.
local function total_lines(rows, widths)
  local total = 0
  for _, row in ipairs(rows) do
    local tallest = 1
    for i, width in ipairs(row) do
      tallest = math.max(tallest, math.ceil(width / math.max(1, widths[i] - CELL_PADDING)))
    end
    total = total + tallest
  end
  return total
end

local function fit_widths(rows, needs, available)
  local widths, sum = {}, 0
  for i, need in ipairs(needs) do widths[i] = need; sum = sum + need end
  while sum > available do
    local best, best_cost
    for i = 1, #widths do
      if widths[i] - STEP >= MIN_WIDTH then
        widths[i] = widths[i] - STEP
        local cost = total_lines(rows, widths)
        widths[i] = widths[i] + STEP
        if best == nil or cost < best_cost or (cost == best_cost and widths[i] > widths[best]) then
          best, best_cost = i, cost
        end
      end
    end
    if best == nil then break end
    widths[best] = widths[best] - STEP
    sum = sum - STEP
  end
  return widths
end

function Table(tbl)
  local needs, rows = {}, {}
  local function measure(row, style)
    local widths = {}
    for i, cell in ipairs(row.cells) do
      widths[i] = text_width(pandoc.utils.stringify(cell.contents))
      needs[i] = math.max(needs[i] or MIN_WIDTH, widths[i] + CELL_PADDING)
      restyle(cell, style)
    end
    table.insert(rows, widths)
  end
  for _, row in ipairs(tbl.head.rows) do measure(row, TABLE_HEADER_STYLE) end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do measure(row, TABLE_TEXT_STYLE) end
  end
  for i = 1, #tbl.colspecs do needs[i] = needs[i] or MIN_WIDTH end
  local widths = fit_widths(rows, needs, table_chars)
  local sum = 0
  for i = 1, #tbl.colspecs do sum = sum + widths[i] end
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = {spec[1], widths[i] / sum}
  end
  -- one empty line between a table and what follows it (text, a chart's image)
  return {tbl, empty_lines(1)}
end

-- Our caption stands under the image already; pandoc's own would repeat it.
-- The image gets a paragraph of its own height: body text has a fixed line height.
function Figure(fig)
  return pandoc.Div(fig.content, {["custom-style"] = "Figure"})
end

-- The metadata is read first: the table widths depend on it.
return {
  {Meta = Meta},
  {Span = Span, Div = Div, Table = Table, Figure = Figure},
}
