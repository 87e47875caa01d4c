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

-- Captions are written by the build (表1 …, 图1 …) as divs, the same on the site.
local CAPTION_STYLES = {
  ["table-caption"] = "Table Caption",
  ["figure-caption"] = "Image Caption",
  ["chart-missing"] = "Image Caption",
}

function Div(div)
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
    elseif block.t == "Para" or block.t == "Plain" then
      table.insert(blocks, styled("Cover Info", block.content))
    else
      table.insert(blocks, block)
    end
  end
  return blocks
end

-- Columns without a width would be sized against a fixed page width: give each
-- column a share of the type area by the length of its longest cell, and set the
-- cells in the smaller table style, not the body's indented one.
local TABLE_TEXT_STYLE = "Table Text"
local MIN_SHARE = 0.1
local MIN_LENGTH = 4  -- a two-character header still needs room for its cell margins

local function cell_length(cell)
  return utf8.len(pandoc.utils.stringify(cell.contents)) or 0
end

function Table(tbl)
  local longest = {}
  local rows = {}
  for _, row in ipairs(tbl.head.rows) do table.insert(rows, row) end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do table.insert(rows, row) end
  end
  for _, row in ipairs(rows) do
    for i, cell in ipairs(row.cells) do
      longest[i] = math.max(longest[i] or MIN_LENGTH, cell_length(cell))
      -- pandoc gives cell text (Plain) the Compact style; as paragraphs it takes ours
      local blocks = cell.contents:map(function(block)
        return block.t == "Plain" and pandoc.Para(block.content) or block
      end)
      cell.contents = {pandoc.Div(blocks, {["custom-style"] = TABLE_TEXT_STYLE})}
    end
  end
  local total = 0
  for i = 1, #tbl.colspecs do total = total + (longest[i] or 1) end
  local shares, sum = {}, 0
  for i = 1, #tbl.colspecs do
    shares[i] = math.max(MIN_SHARE, (longest[i] or 1) / total)
    sum = sum + shares[i]
  end
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = {spec[1], shares[i] / sum}
  end
  return tbl
end

-- Our caption stands under the image already; pandoc's own would repeat it.
-- The image gets a paragraph of its own height: body text has a fixed line height.
function Figure(fig)
  return pandoc.Div(fig.content, {["custom-style"] = "Figure"})
end
